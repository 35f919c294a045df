"""Operations dashboard (Streamlit) over the published marts (`CS_PUBLISH_PATH`), never the build database.

Start it with `make dashboard` (or `python -m dashboard`). Modules: `columns` names every published
table and column, `queries` holds all SQL, `db` opens the published file read-only per query and caches
per publish, `masking` masks personal data in evidence, `charts` draws, `ui` holds shared widgets, and
`views/` the four pages that `app.py` navigates.
"""
