"""Scoring Parley against gold data: the contract's protocol (`gold`) and public corpora."""
