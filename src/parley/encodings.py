"""Bytes to text: UTF-8, a byte-order mark, a declared encoding, or a detection Parley is sure of.

A file is read only when its text is certain; anything else is reported and skipped, never
turned into mojibake:

1. A byte-order mark (UTF-8, UTF-16, UTF-32) decides.
2. Valid UTF-8 is UTF-8 (pure ASCII included).
3. An encoding the file declares (`<meta charset>` in HTML) is used if the bytes are valid in it.
4. Bytes that are mostly well-formed UTF-8 with a few broken sequences are *broken UTF-8*, not
   another encoding: reported with the position of the first bad byte, and skipped.
5. Otherwise each legacy encoding that decodes the bytes (the Windows code pages 1250-1258,
   KOI8-R/U and the CJK multi-byte encodings) gives a reading, and each distinct reading is judged:
   symbols and control characters among letters, words mixing scripts or cases ("оПЕГХДЕМР") or
   made of accented letters ("çàÿâèâ") are what a wrong code page produces; letters that no
   single language's alphabet holds together ("Genčve" beside "très") and words in capitals are
   signs too. The file is read when one text is clearly better than every other; when two
   candidates read it differently and nothing tells them apart, it is skipped with both names.
   Letter statistics (common letters of the language, charset-normalizer's coherence) only
   decide between readings that differ in several characters.

ISO-8859 files whose text differs from their Windows code page are among the skipped ones
(`iconv -f ISO-8859-2 -t UTF-8` converts them).
"""

from __future__ import annotations

import codecs
import re
import unicodedata
from dataclasses import dataclass, field

#: Legacy encodings a news text is realistically in, for the detector to choose among; of
#: several that read a file the same way, the first named is reported.
SINGLE_BYTE = ["cp1252", "cp1250", "cp1251", "cp1253", "cp1254", "cp1255", "cp1256", "cp1257",
               "cp1258", "koi8_r", "koi8_u"]
CANDIDATES = SINGLE_BYTE + ["shift_jis", "euc_jp", "gb18030", "big5", "euc_kr"]

#: Non-ASCII letters of the alphabets of European languages written in Latin script.
ALPHABETS = {
    "French": "àâæçéèêëîïôœùûüÿ", "German": "äöüß", "Spanish": "áéíñóúü",
    "Portuguese": "áâãàçéêíóôõú", "Italian": "àèéìíîòóùú", "Catalan": "àçèéíïòóúü",
    "Dutch": "áéèëïóöüú", "Danish": "æøåéó", "Norwegian": "æøåéó", "Swedish": "åäöéü",
    "Finnish": "åäöšž", "Icelandic": "áðéíóúýþæö", "Polish": "ąćęłńóśźż",
    "Czech": "áčďéěíňóřšťúůýž", "Slovak": "áäčďéíĺľňóôŕšťúýž", "Croatian": "čćđšž",
    "Slovene": "čšž", "Hungarian": "áéíóöőúüű", "Romanian": "ăâîșțşţ",
    "Turkish": "çğıöşüâîû", "Lithuanian": "ąčęėįšųūž", "Latvian": "āčēģīķļņšūž",
    "Estonian": "äöõüšž", "Albanian": "çë",
}
#: Signs a text may hold besides letters and punctuation without looking decoded wrongly.
NEUTRAL = set("€£¥¢°©®™ªº\u00ad")
_EAST_ASIAN = ("CJK", "HIRAGANA", "KATAKANA", "HANGUL", "FULLWIDTH", "HALFWIDTH", "IDEOGRAPHIC")

_BOMS = [(codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
         (codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"),
         (codecs.BOM_UTF16_BE, "utf-16")]
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
_UTF8_SEQUENCE = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]|\xe0[\xa0-\xbf][\x80-\xbf]|[\xe1-\xec\xee\xef][\x80-\xbf]{2}"
    rb"|\xed[\x80-\x9f][\x80-\xbf]|\xf0[\x90-\xbf][\x80-\xbf]{2}|[\xf1-\xf3][\x80-\xbf]{3}"
    rb"|\xf4[\x80-\x8f][\x80-\xbf]{2}")


@dataclass
class Decoded:
    """The text of some bytes, or why there is none (`problem`)."""

    text: str | None
    encoding: str = "utf-8"
    how: str = ""  # "" for UTF-8; else "byte-order mark", "declared", "detected"
    problem: str | None = None
    candidates: list[str] = field(default_factory=list)

    @property
    def note(self) -> str | None:
        """What to tell the user about a text that was not plain UTF-8."""
        if self.text is None or not self.how:
            return None
        return f"not valid UTF-8; decoded as {self.encoding} ({self.how})"


def decode(data: bytes, declared: str | None = None) -> Decoded:
    """The text of `data` (see the module's docstring for the rules)."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                text = data.decode(encoding)
            except UnicodeDecodeError as error:
                return Decoded(None, problem=f"starts with a {encoding.upper()} byte-order mark "
                               f"but byte {error.start} is not valid {encoding.upper()}; skipped")
            how = "" if encoding == "utf-8-sig" else "byte-order mark"
            return Decoded(text, encoding.replace("-sig", "").upper(), how)
    try:
        return Decoded(data.decode("utf-8"))
    except UnicodeDecodeError as error:
        first_error = error
    if declared:
        return _declared(data, declared, first_error)
    if looks_like_broken_utf8(data):
        return Decoded(None, problem=_broken_utf8(data, first_error))
    return detect(data)


def declared_charset(html: bytes) -> str | None:
    """The charset an HTML page declares in its first 2 KB (`<meta charset>`, http-equiv)."""
    match = _META_CHARSET.search(html[:2048])
    return match.group(1).decode("ascii") if match else None


def _declared(data: bytes, label: str, utf8_error: UnicodeDecodeError) -> Decoded:
    try:
        encoding = codecs.lookup(label).name
    except LookupError:
        return detect(data)  # a label no one knows: as if nothing were declared
    if encoding in ("latin-1", "iso8859-1", "ascii"):
        encoding = "cp1252"  # what browsers do (WHATWG Encoding): a superset, C1 as printables
    if encoding == "utf-8":
        return Decoded(None, problem=f"declares UTF-8 but {_broken_utf8(data, utf8_error)}")
    try:
        return Decoded(data.decode(encoding), encoding, "declared")
    except UnicodeDecodeError as error:
        return Decoded(None, problem=f"declares {label} but byte {error.start} is not valid "
                       f"{encoding}; skipped")


def looks_like_broken_utf8(data: bytes) -> bool:
    """Well-formed multi-byte UTF-8 sequences at least as many as the broken ones: UTF-8 with
    damage (a cut, a stray byte), not text in a legacy code page, where such sequences are rare."""
    good = len(_UTF8_SEQUENCE.findall(data))
    bad = data.decode("utf-8", errors="replace").count("\ufffd") - data.count(b"\xef\xbf\xbd")
    return good > 0 and good >= bad


def _broken_utf8(data: bytes, error: UnicodeDecodeError) -> str:
    line = data.count(b"\n", 0, error.start) + 1
    column = error.start - (data.rfind(b"\n", 0, error.start) + 1) + 1
    return (f"not valid UTF-8 (byte 0x{data[error.start]:02X} at line {line}, column {column}); "
            "skipped rather than guessed (repair the file or convert it to UTF-8)")


#: Detection judges this much of a file (a reading is decided on its first 64 KB, then the
#: whole file must decode in the chosen encoding).
SAMPLE_BYTES = 65_536


def detect(data: bytes) -> Decoded:
    """A legacy encoding, only when one reading of the bytes is clearly the right one.

    The readings: what charset-normalizer proposes (its mess detector weeds out the multi-byte
    encodings, which decode almost any bytes), plus every single-byte code page that decodes the
    sample (it stops early on short texts, before trying the right one). They are ranked by
    `judge` (language coherence breaks the last ties), and the best is taken only when it is
    clearly better than the next one (`_clearly_better`)."""
    from charset_normalizer import from_bytes
    from charset_normalizer.cd import coherence_ratio

    sample, whole = data[:SAMPLE_BYTES], len(data) <= SAMPLE_BYTES
    proposed = list(from_bytes(sample, cp_isolation=CANDIDATES, preemptive_behaviour=False))
    least_mess = min((match.chaos for match in proposed), default=0.0)
    found = [(e, str(m)) for m in proposed if m.chaos <= least_mess + 0.05
             for e in m.could_be_from_charset if e in CANDIDATES]
    for encoding in SINGLE_BYTE:
        try:
            found.append((encoding, codecs.getincrementaldecoder(encoding)().decode(
                sample, final=whole)))
        except UnicodeDecodeError:
            continue
    readings: dict[str, dict] = {}
    for encoding, text in sorted(found, key=lambda item: CANDIDATES.index(item[0])):
        reading = readings.setdefault(text, {"encodings": [], "judged": judge(text)})
        if encoding not in reading["encodings"]:
            reading["encodings"].append(encoding)
    if not readings:
        return Decoded(None, problem="not valid UTF-8, and no known encoding reads it; skipped")
    for text, reading in readings.items():
        reading["coherence"] = max((ratio for _, ratio in coherence_ratio(text)), default=0.0)
    ranked = sorted(readings.items(), key=lambda item: (
        item[1]["judged"][0], item[1]["judged"][1], item[1]["judged"][3],
        -item[1]["judged"][2], -item[1]["coherence"]))
    text, best = ranked[0]
    names = [reading["encodings"][0] for _, reading in ranked[:3]]
    if best["judged"][0]:
        return Decoded(None, candidates=names, problem=(
            f"not valid UTF-8, and no known encoding reads it cleanly (tried {', '.join(names)}); "
            "skipped"))
    if len(ranked) > 1 and not _clearly_better(best, ranked[1][1], text, ranked[1][0]):
        return Decoded(None, candidates=names[:2], problem=(
            f"not valid UTF-8, and its encoding cannot be told with confidence ({names[0]} and "
            f"{names[1]} read it differently); skipped (convert it to UTF-8, e.g. `iconv -f "
            f"{names[0]} -t UTF-8`)"))
    encoding = best["encodings"][0]
    if not whole:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError as error:
            return Decoded(None, candidates=names, problem=(
                f"not valid UTF-8; it reads as {encoding} until byte {error.start}, which is "
                f"not valid {encoding}; skipped"))
    return Decoded(text, encoding, "detected", candidates=names)


#: Two readings without suspicious characters are told apart by capitals or letter statistics
#: only when they differ in at least this many characters ("où" against "oł" is a guess, not a
#: detection); by alphabets, in two.
MIN_DIFFERENCES = 5


def _clearly_better(best: dict, second: dict, text: str, other: str) -> bool:
    (suspicious, uncovered, common, capitals), (s2, u2, c2, k2) = best["judged"], second["judged"]
    if s2 > suspicious:  # the other reading has symbols or mixed scripts inside words
        return True
    differences = sum(a != b for a, b in zip(text, other)) if len(text) == len(other) else len(text)
    if u2 > uncovered and differences >= 2:  # the other mixes alphabets no language holds
        return True
    if differences < MIN_DIFFERENCES:
        return False
    if k2 >= capitals + 0.3:  # the other reading shouts: a code page with the cases swapped
        return True
    if uncovered == 0 and c2 and common >= c2 + 0.05:  # more of the language's common letters
        return True
    # two scripts (Greek or Cyrillic from the same bytes): only a clear language fit decides
    margin = 0.05 if _main_script(text) == _main_script(other) else 0.15
    return best["coherence"] >= second["coherence"] + margin


def _main_script(text: str) -> str:
    """The script of most of a text's non-ASCII letters ("LATIN" when it has none)."""
    counts: dict[str, int] = {}
    for char in text:
        if not char.isascii() and char.isalpha():
            script = _script(char)
            counts[script] = counts.get(script, 0) + 1
    return max(counts, key=counts.get) if counts else "LATIN"


def _script(char: str) -> str:
    if char.isascii():
        return "LATIN"
    name = unicodedata.name(char, "")
    if name.startswith("HALFWIDTH KATAKANA"):  # Shift JIS read into Latin bytes, not news text
        return "HALFWIDTH KATAKANA"
    if name.startswith(_EAST_ASIAN):
        return "EAST ASIAN"
    return name.split(" ")[0] if name else "?"


def judge(text: str) -> tuple[int, int, float, float]:
    """How a decoded text looks: (suspicious characters, letters outside the best-fitting
    alphabet or script, share of its non-ASCII Latin letters among that language's common ones,
    share of its non-ASCII letters in words written in capitals). The common-letter share is 0
    for a text without non-ASCII Latin letters, and compared only between two that have some.

    Suspicious: symbols, control and unassigned characters other than punctuation and a few
    signs (€, °, ©...), a capital right after a small letter, one of them not ASCII
    ("оПЕГХДЕМР", "żHabrá"; "McDonald" is fine), and letters in a word that mixes scripts (in
    East Asian text, where "iPhone手机" is written, only when Latin letters outnumber the East
    Asian ones or a quarter of these touch Latin letters); half-width katakana are a script of
    their own, so they mix with everything. A Latin word of three letters or more that is over
    two thirds accented letters is suspicious too ("заявив" read as cp1252 is "çàÿâèâ").
    """
    from charset_normalizer.constant import FREQUENCIES

    suspicious, latin, other = 0, {}, {}
    ascii_letters = east_asian_mixed = cased = 0
    previous = None  # the script of the previous character when it is a letter
    small = None  # "ascii" or "other" when the previous character is a small letter
    for char in text:
        if char.isascii():
            if char.isupper() and small == "other":
                suspicious += 1
            if char.isalpha():
                ascii_letters += 1
                if previous == "EAST ASIAN":
                    east_asian_mixed += 1
                elif previous not in (None, "LATIN"):
                    suspicious += 1
            previous = "LATIN" if char.isalpha() else None
            small = "ascii" if char.islower() else None
            continue
        category = unicodedata.category(char)
        if category == "Mn":  # a combining mark: a generic accent, or one of its letter's script
            suspicious += _script(char) not in ("COMBINING", previous)
            continue
        if not category.startswith("L") or char in NEUTRAL:
            previous = small = None
            if not ((category.startswith("P") and char != "¶") or category.startswith("Z")
                    or char in NEUTRAL):
                suspicious += 1
            continue
        if char.isupper():
            suspicious += small is not None
        cased += char.isupper() or char.islower()
        script = _script(char)
        if previous and previous != script:
            if "EAST ASIAN" in (previous, script):
                east_asian_mixed += 1
            else:
                suspicious += 1
        if script == "LATIN":
            latin[char.lower()] = latin.get(char.lower(), 0) + 1
        else:
            other[script] = other.get(script, 0) + 1
        previous = script
        small = "other" if char.islower() else None
    east_asian = other.get("EAST ASIAN", 0)
    if east_asian_mixed and (east_asian < ascii_letters or east_asian_mixed * 4 > east_asian):
        suspicious += east_asian_mixed
    n_latin = sum(latin.values())
    cover = {lang: sum(n for c, n in latin.items() if c in letters)
             for lang, letters in ALPHABETS.items()}
    best = max(cover.values())
    common = max((sum(n for c, n in latin.items() if c in set(FREQUENCIES.get(lang, ())))
                  / n_latin if n_latin else 0.0) for lang, n in cover.items() if n == best)
    uncovered = n_latin - best + sum(other.values()) - max(other.values(), default=0)
    words = re.findall(r"[^\W\d_]{2,}", text)
    shouted = sum(sum(not c.isascii() for c in word) for word in words if word.isupper())
    # a Latin word made mostly of accented letters ("çàÿâèâ") is another script read wrongly
    suspicious += sum(1 for word in words if len(word) >= 3 and _script(word[0]) == "LATIN"
                      and sum(not c.isascii() for c in word) * 3 > len(word) * 2)
    return suspicious, uncovered, round(common, 3), round(shouted / cased, 1) if cased else 0.0
