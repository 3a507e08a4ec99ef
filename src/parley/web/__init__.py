"""The web dashboard and REST API over the ledger (`parley serve`)."""
