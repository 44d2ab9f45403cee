"""One loader for every data file: JSON + its JSON Schema -> data, or one plain line.

Teaching content a trainer may adapt (steps, filters, questions, patterns,
places, phone steps, help), chat scenarios, clue annotations, the sharing table
and evidence notes are all JSON files checked against a JSON Schema (Draft
2020-12) kept beside the shipped data in ``safetylab/data/``. This module reads
them all the same way:

- the file is read as UTF-8 (a byte-order mark is allowed), and refused when it
  is missing, a folder, not an ordinary file (a pipe, a device: never waited on
  or read without end), not text, or larger than ``max_bytes``;
- the JSON is parsed with **duplicate keys refused** (the second one would
  silently hide the first);
- the data is checked against the schema, then against the rules a schema
  cannot state (a ``check`` function: ids that must be unique, a box inside the
  picture, a conversation without dead ends);
- any problem becomes a :class:`DataFileError` whose text is one line,
  ``FILE: FIELD: PROBLEM``, e.g.
  ``my.json: nodes.ask.choices[1].next: no node called 'nowhere'``.

Plain words come from the schema itself. Besides the standard keywords, a
schema (or any part of it) may carry two annotations, which validators ignore:

``x-kind``
    What one object of this shape is called ("choice", "help service"), so a
    missing field reads "is missing (every choice needs this field)".
``x-problem``
    The words for a failed keyword of this part, as a mapping from the keyword
    to a sentence, e.g. ``{"pattern": "{value} is not a usable id: ..."}``;
    ``{value}`` is the value found (as JSON), ``{what}`` the same in words
    ("a list", "the number 3") and ``{want}`` the keyword's value.

A trainer's own files add to the shipped ones with :func:`merge`: rows of a
list are matched by a key (``id``, or ``region`` and ``name``), a row with the
same key replaces the shipped row in its place, and new rows come after. The
folders a course pack adds are given by :func:`pack_folders` (the
``SAFETYLAB_PACK`` environment variable, folders separated by
:data:`os.pathsep`), so that a lesson run from ``safetylab lab --pack DIR``
reads the pack's files without being told.

What this does *not* do: it does not check that the *content* is right (that a
phone number still works, that advice is current); it checks only that a file
has the form the course can use.

Examples
--------
>>> schema = {"type": "object", "x-kind": "note", "required": ["text"],
...           "properties": {"text": {"type": "string"}}}
>>> parse('{"text": "hi"}', schema, file="a.json")
{'text': 'hi'}
>>> try:
...     parse('{"txt": "hi"}', schema, file="a.json")
... except DataFileError as err:
...     print(err)
a.json: text: is missing (every note needs this field)
>>> try:
...     parse('{"text": "a", "text": "b"}', schema, file="a.json")
... except DataFileError as err:
...     print(err)
a.json: the name 'text' is used twice here; the second one would hide the first
"""

from __future__ import annotations

import functools
import json
import os
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from .errors import SafetyLabError

__all__ = [
    "DataFileError",
    "MAX_BYTES",
    "check_unique",
    "skip_iri_grammar",
    "extra_files",
    "PACK_ENV",
    "Check",
    "field_name",
    "load",
    "load_shipped",
    "loads",
    "merge",
    "merge_lists",
    "load_with_extras",
    "pack_folders",
    "parse",
    "problems",
    "schema",
    "validate",
    "value_words",
]

#: Largest data file read (a scenario or a help list is a few kilobytes).
MAX_BYTES = 1_000_000
#: The environment variable naming a trainer's course pack folder(s).
PACK_ENV = "SAFETYLAB_PACK"
#: The data files shipped inside safetylab (an installed package is always a folder of files).
_DATA = Path(__file__).resolve().parent / "data"

#: A check beyond the schema: ``check(data)`` gives ``(path, problem)`` pairs.
Check = Callable[[Any], Iterable[tuple[Sequence[Any], str]]]


class DataFileError(SafetyLabError):
    """A data file is missing, unreadable, not JSON, or breaks a rule of its schema.

    ``str(err)`` is one line: ``FILE: FIELD: PROBLEM`` (parts that are empty
    are left out).

    Attributes
    ----------
    file : str
        The file's name (not its full path).
    field : str
        Where in the file, e.g. ``"resources[2].phone"``; ``""`` when the
        problem is the whole file (or a line and column for broken JSON).
    problem : str
        What is wrong, in plain words.
    """

    def __init__(self, problem: str, *, file: str = "", field: str = ""):
        self.file, self.field, self.problem = str(file), str(field or ""), str(problem)
        super().__init__(": ".join(part for part in (self.file, self.field, self.problem) if part))

    @property
    def place(self) -> str:
        """The same as :attr:`field` (the name scenario files use)."""
        return self.field


# --------------------------------------------------------------------------- schemas


@functools.cache
def _schema_text(name: str) -> str:
    try:
        return (_DATA / name).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as err:  # pragma: no cover - a broken install
        raise DataFileError(f"could not be read ({err.__class__.__name__}); try reinstalling safetylab",
                            file=name) from None


def schema(name: str) -> dict[str, Any]:
    """A schema shipped in ``safetylab/data/``, e.g. ``"steps.schema.json"``, as a new dict.

    Examples
    --------
    >>> schema("steps.schema.json")["$schema"]
    'https://json-schema.org/draft/2020-12/schema'
    """
    return json.loads(_schema_text(name))


#: jsonschema's optional helper for the "iri" formats: it builds a grammar as it is imported,
#: which takes 1.5-1.8 s, and no schema here or in a Jupyter server has an "iri" format.
_IRI_HELPER = "rfc3987_syntax"


def skip_iri_grammar() -> None:
    """Keep this process from building jsonschema's IRI grammar: call it before anything imports
    jsonschema (a Jupyter server does, through jupyter_events, as it starts). jsonschema then
    leaves the "iri" and "iri-reference" formats unchecked, and starts 1.5-1.8 s sooner.

    For processes safetylab runs itself (learner mode's servers); the lessons' kernels and a
    trainer's own code are left as they are.
    """
    import sys

    if "jsonschema" not in sys.modules:
        sys.modules.setdefault(_IRI_HELPER, None)  # type: ignore[arg-type]  # import it: ImportError


def _import_jsonschema():
    """jsonschema, imported without its IRI format check: that check's optional helper
    (rfc3987_syntax) builds a grammar on import that takes seconds, and no schema here
    checks an IRI ("date" is the only format used). Other code may still import it later."""
    import sys

    if "jsonschema" not in sys.modules and _IRI_HELPER not in sys.modules:
        skip_iri_grammar()
        try:
            import jsonschema
        finally:
            if sys.modules.get(_IRI_HELPER, 0) is None:
                del sys.modules[_IRI_HELPER]
        return jsonschema
    import jsonschema

    return jsonschema


@functools.cache
def _validator_for(text: str):
    Draft202012Validator = _import_jsonschema().Draft202012Validator

    return Draft202012Validator(json.loads(text), format_checker=Draft202012Validator.FORMAT_CHECKER)


def _validator(schema_: Mapping[str, Any] | str):
    text = _schema_text(schema_) if isinstance(schema_, str) else json.dumps(schema_, sort_keys=True)
    return _validator_for(text)


# --------------------------------------------------------------------------- plain words


def field_name(path: Iterable[Any]) -> str:
    """A place in a file as people write it: ``nodes.ask.choices[1]``.

    Examples
    --------
    >>> field_name(["resources", 2, "phone"])
    'resources[2].phone'
    """
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (("." if out else "") + str(part))
    return out


def _json(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 40 else text[:37] + "..."


def value_words(value: Any) -> str:
    """A value as words: ``the text "hi"``, ``the number 3``, ``a list``.

    Examples
    --------
    >>> value_words("hi"), value_words(3), value_words([])
    ('the text "hi"', 'the number 3', 'a list')
    """
    if isinstance(value, bool):
        return f"{_json(value)} (true or false)"
    if isinstance(value, str):
        return f"the text {_json(value)}"
    if isinstance(value, (int, float)):
        return f"the number {value}"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    return "null"


_TYPE_WORDS = {"string": "text (in double quotes)", "array": "a list [...]", "object": "an object {...}",
               "integer": "a whole number", "number": "a number", "boolean": "true or false", "null": "null"}


def _own_words(err, keyword: str) -> str | None:
    words = err.schema.get("x-problem") if isinstance(err.schema, Mapping) else None
    if isinstance(words, Mapping) and isinstance(words.get(keyword), str):
        return words[keyword].format(value=_json(err.instance), want=err.validator_value,
                                     what=value_words(err.instance))
    return None


def _kind(err) -> str:
    kind = err.schema.get("x-kind") if isinstance(err.schema, Mapping) else None
    return kind if isinstance(kind, str) else "entry"


def _problem(err) -> tuple[list[Any], str]:
    """The place and the plain-words problem of one jsonschema error."""
    path, v, want, inst = list(err.absolute_path), err.validator, err.validator_value, err.instance
    own = _own_words(err, v)
    if v == "required":
        gone = [k for k in want if not (isinstance(inst, dict) and k in inst)] or list(want[:1])
        # jsonschema reports each missing field as its own error, in the schema's order
        missing = next((k for k in gone if repr(k) in err.message), gone[0])
        return path + [missing], own or f"is missing (every {_kind(err)} needs this field)"
    if v == "additionalProperties" and isinstance(inst, dict):
        allowed = list(err.schema.get("properties", {}))
        extra = next(k for k in inst if k not in allowed)
        import difflib  # for "did you mean": only when a name is wrong

        close = difflib.get_close_matches(extra, allowed, n=1)
        hint = f"did you mean '{close[0]}'?" if close else "allowed: " + ", ".join(allowed)
        return path + [extra], f"not a field a{'n' if _kind(err)[0] in 'aeiou' else ''} {_kind(err)} can have ({hint})"
    if own:
        return path, own
    if v == "type":
        wanted = " or ".join(_TYPE_WORDS.get(t, t) for t in ([want] if isinstance(want, str) else want))
        return path, f"should be {wanted}, not {value_words(inst)}"
    if v == "enum":
        return path, f"should be one of {', '.join(_json(x) for x in want)}, not {_json(inst)}"
    if v == "const":
        return path, f"should be {_json(want)}, not {_json(inst)}"
    if (v == "pattern" and want in (r"\S", "\\S")) or (v == "minLength" and want == 1):
        return path, "is empty; write some text here"
    if v == "pattern":
        return path, f"{_json(inst)} is not written the way this field needs"
    if v == "format":
        if want == "date":
            return path, f"{_json(inst)} is not a real date written YYYY-MM-DD"
        return path, f"{_json(inst)} is not a valid {want}"
    if v == "minLength":
        return path, f"is too short (at least {want} characters)"
    if v == "maxLength":
        return path, f"is too long ({len(inst)} characters; at most {want})"
    if v == "minItems":
        return path, "needs at least one item" if want == 1 else f"needs at least {want} items"
    if v == "maxItems":
        return path, f"has {len(inst)} items; at most {want}"
    if v == "uniqueItems":
        return path, "lists the same value twice"
    if v == "minProperties":
        return path, f"needs at least {want} field{'s' if want != 1 else ''}"
    if v in ("minimum", "maximum"):
        return path, f"should be {'at least' if v == 'minimum' else 'at most'} {want}, not {_json(inst)}"
    if v in ("anyOf", "oneOf"):
        return path, "does not have any of the forms this field can take"
    if v == "not":
        return path, "has a combination of fields that is not allowed"
    return path, err.message[:120]


def _doc_key(data: Any, path: Sequence[Any]) -> tuple:
    """Sort key putting places in the order they appear in the file."""
    key, here = [], data
    for part in path:
        if isinstance(here, dict) and part in here:
            key.append(list(here).index(part))
            here = here[part]
        elif isinstance(here, list) and isinstance(part, int) and part < len(here):
            key.append(part)
            here = here[part]
        else:
            key.append(-1)
            here = None
    return tuple(key)


def _schema_found(data: Any, schema_: Mapping[str, Any] | str) -> list[tuple[list[Any], str]]:
    errors = list(_validator(schema_).iter_errors(data))
    # "matches none of the forms" only where nothing more precise is wrong inside it
    def precise_inside(e) -> bool:
        here = list(e.absolute_path)
        return any(o is not e and len(o.absolute_path) > len(here)
                   and list(o.absolute_path)[:len(here)] == here for o in errors)
    errors = [e for e in errors if e.validator not in ("anyOf", "oneOf") or not precise_inside(e)]
    return [_problem(_closest(e)) for e in errors]


def _closest(err):
    """For "none of the forms fit": the problem inside the form the value nearly has.

    A list where a list is allowed, with one wrong item, is best reported at
    that item (``dates[1]``), not as "should be text or a list".
    """
    if err.validator not in ("anyOf", "oneOf") or not err.context:
        return err
    branches: dict[Any, list] = {}
    for sub in err.context:
        branches.setdefault(sub.schema_path[0] if sub.schema_path else None, []).append(sub)
    for subs in branches.values():
        if all(len(sub.relative_path) > 0 for sub in subs):  # the form fits; something inside does not
            return _closest(subs[0])
    return err


def problems(data: Any, schema_: Mapping[str, Any] | str | None, *, file: str = "",
             check: Check | None = None, error: type[DataFileError] = DataFileError) -> list[DataFileError]:
    """Every problem with parsed data, in file order (an empty list when it is fine).

    The rules of ``check`` are looked at only once the schema is met (they may
    rely on it).

    Parameters
    ----------
    data : object
        Parsed JSON (not changed).
    schema_ : mapping, str or None
        The schema, or the name of one shipped in ``safetylab/data/``; None when the data
        is known to meet its schema (a shipped file: the tests check it).
    file : str
        The file's name, for the messages.
    check : callable, optional
        Rules a schema cannot state: ``check(data)`` gives ``(path, problem)`` pairs.
    error : subclass of DataFileError
        The kind of error to make.
    """
    found = _schema_found(data, schema_) if schema_ is not None else []
    if not found and check is not None:
        found = [(list(p), problem) for p, problem in check(data)]
    found.sort(key=lambda pp: _doc_key(data, pp[0]))
    return [error(problem, file=file, field=field_name(path)) for path, problem in found]


def validate(data: Any, schema_: Mapping[str, Any] | str | None, *, file: str = "",
             check: Check | None = None, error: type[DataFileError] = DataFileError) -> Any:
    """``data`` itself when it is valid; else the first problem in file order is raised.

    Raises
    ------
    DataFileError
        (or ``error``) ``FILE: FIELD: PROBLEM``.
    """
    found = problems(data, schema_, file=file, check=check, error=error)
    if found:
        raise found[0]
    return data


# --------------------------------------------------------------------------- reading


def _find_object(data: Any, target: int, path: list[Any]) -> list[Any] | None:
    if id(data) == target:
        return path
    children = data.items() if isinstance(data, dict) else enumerate(data) if isinstance(data, list) else ()
    for key, value in children:
        found = _find_object(value, target, path + [key])
        if found is not None:
            return found
    return None


def loads(text: str, file: str = "", error: type[DataFileError] = DataFileError) -> Any:
    """JSON ``text`` as data, with duplicate names refused; not yet checked against a schema.

    For an editor that shows every problem as the trainer types: parse with
    this, then list :func:`problems`.

    Raises
    ------
    DataFileError
        (or ``error``) for broken JSON (naming the line and column) or a name used twice.

    Examples
    --------
    >>> try:
    ...     loads('{"a": 1,}', "mine.json")
    ... except DataFileError as err:
    ...     print(err)
    mine.json: line 1, column 9: not valid JSON (Expecting property name enclosed in double quotes)
    """
    dupes: list[tuple[dict, str]] = []

    def pairs(items):
        out: dict = {}
        for k, v in items:
            if k in out:
                dupes.append((out, k))
            out[k] = v
        return out

    try:
        data = json.loads(text, object_pairs_hook=pairs)
    except json.JSONDecodeError as err:
        raise error(f"not valid JSON ({err.msg})", file=file,
                    field=f"line {err.lineno}, column {err.colno}") from None
    except RecursionError:
        raise error("is nested too deeply to be a data file", file=file) from None
    if dupes:
        obj, key = dupes[0]
        where = _find_object(data, id(obj), [])
        raise error(f"the name '{key}' is used twice here; the second one would hide the first",
                    file=file, field=field_name(where or []))
    return data


def parse(text: str, schema_: Mapping[str, Any] | str, *, file: str = "", check: Check | None = None,
          error: type[DataFileError] = DataFileError) -> Any:
    """The data in JSON ``text``, checked (see :func:`validate`)."""
    return validate(loads(text, file, error), schema_, file=file, check=check, error=error)


def _read(path: Path, what: str, error: type[DataFileError], max_bytes: int) -> str:
    from ._paths import NotOrdinaryFileError, TooLargeError, read_limited

    name = path.name or str(path)
    try:  # an ordinary file only, read to at most max_bytes: a pipe or /dev/zero never hangs
        if path.is_dir():
            raise IsADirectoryError(name)
        return read_limited(path, max_bytes).decode("utf-8-sig")
    except TooLargeError:
        raise error(f"is larger than {max_bytes // 1_000_000 or 1} MB; {what} is a few kilobytes",
                    file=name) from None
    except NotOrdinaryFileError:
        raise error(f"is not an ordinary file (a pipe or a device), not {what}", file=name) from None
    except FileNotFoundError:
        raise error("no such file", file=name) from None
    except IsADirectoryError:
        raise error(f"is a folder, not {what}", file=name) from None
    except UnicodeDecodeError:
        raise error("is not a UTF-8 text file", file=name) from None
    except OSError as err:
        raise error(f"could not be read ({err.strerror or err.__class__.__name__})", file=name) from None


def load(path: str | os.PathLike[str], schema_: Mapping[str, Any] | str, *, check: Check | None = None,
         error: type[DataFileError] = DataFileError, what: str = "a data file",
         max_bytes: int = MAX_BYTES) -> Any:
    """Read, parse and check one data file; the file is named in any error.

    Parameters
    ----------
    path : path-like
        The file.
    schema_ : mapping or str
        Its schema, or the name of one shipped in ``safetylab/data/``.
    check, error : optional
        As for :func:`problems`.
    what : str
        What the file is, for messages ("a scenario file").
    max_bytes : int
        Larger files are refused unread.
    """
    p = Path(path)
    return parse(_read(p, what, error, max_bytes), schema_, file=p.name, check=check, error=error)


@functools.cache
def _shipped_text(name: str) -> str:
    return (_DATA / name).read_text(encoding="utf-8-sig")


def load_shipped(name: str, schema_: Mapping[str, Any] | str, *, check: Check | None = None,
                 error: type[DataFileError] = DataFileError) -> Any:
    """A data file shipped in ``safetylab/data/`` (e.g. ``"steps.json"``); a new value each call.

    The tests hold every shipped file to its schema (``schema_``, named here so that the
    two stay together), so it is not checked again each time a program starts: that
    would import jsonschema, which takes longer than everything else ``safetylab check``
    does for a photo. Names used twice and the rules of ``check`` are still looked at.
    A trainer's own files are always checked against the schema (:func:`load`).
    """
    try:
        text = _shipped_text(name)
    except (OSError, UnicodeDecodeError) as err:  # pragma: no cover - a broken install
        raise error(f"could not be read ({err.__class__.__name__}); try reinstalling safetylab",
                    file=name) from None
    return validate(loads(text, name, error), None, file=name, check=check, error=error)


# --------------------------------------------------------------------------- a trainer's own files


def pack_folders() -> list[Path]:
    """The course pack folders named by ``SAFETYLAB_PACK`` (empty when it is not set).

    Examples
    --------
    >>> import os
    >>> old = os.environ.pop(PACK_ENV, None)
    >>> pack_folders()
    []
    >>> if old is not None: os.environ[PACK_ENV] = old
    """
    value = os.environ.get(PACK_ENV, "")
    return [Path(part) for part in value.split(os.pathsep) if part.strip()]


def extra_files(name: str, extra: Any = None) -> list[Path]:
    """A trainer's files for the data file ``name``: pack folders first, then ``extra``.

    ``extra`` is a file, a folder, or a list of them; a folder contributes its
    file called ``name`` when it has one. A file that does not exist is kept,
    so that loading it reports it by name.

    Examples
    --------
    >>> import os, tempfile, pathlib
    >>> old = os.environ.pop(PACK_ENV, None)
    >>> with tempfile.TemporaryDirectory() as d:
    ...     _ = pathlib.Path(d, "steps.json").write_text("{}")
    ...     [p.name for p in extra_files("steps.json", d)], extra_files("filters.json", d)
    (['steps.json'], [])
    >>> if old is not None: os.environ[PACK_ENV] = old
    """
    given: list[Any] = list(pack_folders())
    if extra is not None:
        given += [extra] if isinstance(extra, (str, os.PathLike)) else list(extra)
    out = []
    for item in given:
        p = Path(item)
        if p.is_dir():
            if (p / name).is_file():
                out.append(p / name)
        else:
            out.append(p)
    return out


def check_unique(rows: Iterable[Mapping[str, Any]], key: str | Sequence[str], *, list_field: str,
                 file: str, error: type[DataFileError] = DataFileError) -> None:
    """Refuse the same key twice in one file (the second row would silently replace the first).

    Raises
    ------
    DataFileError
        (or ``error``) naming the file and the second row's key field.

    Examples
    --------
    >>> check_unique([{"id": "a"}, {"id": "a"}], "id", list_field="steps", file="mine.json")
    Traceback (most recent call last):
    ...
    safetylab._datafile.DataFileError: mine.json: steps[1].id: repeats 'a'; give each one its own id
    """
    seen: set[Any] = set()
    for i, row in enumerate(rows):
        k = _key_of(row, key)
        if k in seen:
            last = key if isinstance(key, str) else key[-1]
            shown = k if isinstance(key, str) else " / ".join(str(x) for x in k)
            what = key if isinstance(key, str) else " and ".join(key)
            raise error(f"repeats '{shown}'; give each one its own {what}", file=file,
                        field=f"{list_field}[{i}].{last}")
        seen.add(k)


def _key_of(row: Mapping[str, Any], key: str | Sequence[str]) -> Any:
    if isinstance(key, str):
        return row.get(key)
    return tuple(row.get(k) for k in key)


def merge(base: Mapping[str, Any], extras: Iterable[tuple[str, Mapping[str, Any]]], *, list_field: str,
          key: str | Sequence[str]) -> dict[str, Any]:
    """Shipped data with a trainer's files laid over it (nothing is changed in place).

    Each extra file's ``list_field`` rows are matched to the shipped rows by
    ``key``: a row with a key already present replaces that row where it was,
    a new key is added at the end. Other top-level fields of an extra file
    replace the shipped ones (so a trainer can reword a caveat).

    Parameters
    ----------
    base : mapping
        The shipped data (already checked).
    extras : iterable of (file name, data)
        A trainer's files, already checked, in the order they apply.
    list_field : str
        The name of the list of rows, e.g. ``"steps"``.
    key : str or sequence of str
        The field(s) that identify a row.

    Returns
    -------
    dict
        A new dict. Every row carries ``"_index"``, its place in the file it
        came from; rows from an extra file also carry ``"_file"``, its name
        (so later checks can name the file and the field).

    Examples
    --------
    >>> base = {"rows": [{"id": "a", "t": 1}, {"id": "b", "t": 2}]}
    >>> rows = merge(base, [("mine.json", {"rows": [{"id": "b", "t": 3}, {"id": "c", "t": 4}]})],
    ...              list_field="rows", key="id")["rows"]
    >>> [(r["id"], r["t"], r.get("_file")) for r in rows]
    [('a', 1, None), ('b', 3, 'mine.json'), ('c', 4, 'mine.json')]
    """
    out = {k: v for k, v in base.items() if k != list_field}
    rows: dict[Any, dict[str, Any]] = {_key_of(r, key): {**r, "_index": i}
                                       for i, r in enumerate(base.get(list_field, []))}
    for file, data in extras:
        for k, v in data.items():
            if k not in (list_field, "$schema", "_about"):
                out[k] = v
        for i, row in enumerate(data.get(list_field, [])):
            rows[_key_of(row, key)] = {**row, "_file": file, "_index": i}
    out[list_field] = list(rows.values())
    return out


def merge_lists(base: Mapping[str, Any], extras: Iterable[tuple[str, Mapping[str, Any]]],
                keys: Mapping[str, str | Sequence[str]]) -> dict[str, Any]:
    """:func:`merge` for a file with several lists of rows, each matched by its own key.

    ``keys`` maps each list field to the field(s) that identify its rows, e.g.
    ``{"ideas": "id", "tickets": "lesson"}``. Other top-level fields of an
    extra file replace the shipped ones, as in :func:`merge`.

    Examples
    --------
    >>> base = {"title": "A", "a": [{"id": "x", "t": 1}], "b": [{"n": "01", "t": 2}]}
    >>> out = merge_lists(base, [("mine.json", {"title": "B", "b": [{"n": "01", "t": 3}]})],
    ...                   {"a": "id", "b": "n"})
    >>> out["title"], [r["t"] for r in out["a"]], [r["t"] for r in out["b"]]
    ('B', [1], [3])
    """
    extras = list(extras)
    out = {k: v for k, v in base.items() if k not in keys}
    for _file, data in extras:
        out.update({k: v for k, v in data.items() if k not in keys and k not in ("$schema", "_about")})
    for field, key in keys.items():
        only = [(file, {field: data.get(field, [])}) for file, data in extras]
        out[field] = merge({field: base.get(field, [])}, only, list_field=field, key=key)[field]
    return out


def load_with_extras(name: str, schema_: str, keys: Mapping[str, str | Sequence[str]], extra: Any = None, *,
                     check: Check | None = None, error: type[DataFileError] = DataFileError,
                     what: str = "a data file") -> dict[str, Any]:
    """A shipped data file with a trainer's files of the same name laid over it (see :func:`merge_lists`).

    The trainer's files are the course pack folders and ``extra`` (see
    :func:`extra_files`); each is checked against the same schema and
    ``check``. Rows carry ``"_file"`` and ``"_index"`` for messages.
    """
    extras = [(p.name, load(p, schema_, check=check, error=error, what=what)) for p in extra_files(name, extra)]
    return merge_lists(load_shipped(name, schema_, check=check, error=error), extras, keys)

