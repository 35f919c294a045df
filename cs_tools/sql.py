"""Quoting for values that must be written into SQL text (DuckDB accepts no parameter there).

`attach`, `copy ... to` and identifiers take no prepared-statement parameters, so a path or name is
written as a literal: always through these helpers, never pasted (a folder named `it's here/` would
end the literal early).
"""

from __future__ import annotations


def sql_string(value: str) -> str:
    """`value` as a DuckDB string literal: in single quotes, a quote doubled (backslashes are literal)."""
    if "\x00" in value:
        raise ValueError("a SQL string literal cannot hold a NUL character")
    return "'" + value.replace("'", "''") + "'"


def sql_identifier(name: str) -> str:
    """`name` as a quoted DuckDB identifier: in double quotes, a double quote doubled."""
    if "\x00" in name:
        raise ValueError("a SQL identifier cannot hold a NUL character")
    return '"' + name.replace('"', '""') + '"'
