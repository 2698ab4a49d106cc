"""The Glaive core: plain functions on plain data. Nothing here imports Dagster.

    transform.process_row(row, source_index) -> RowOutcome(.processed | .reject)   the entry point
    (row_format="sharegpt" | "openai": formats/ reads the row into the same conversation first)
    chatml.to_chatml(processed) -> dict; chatml.render_glaive(chatml) -> {"system", "chat"}
    jsonio.dumps_line(obj) -> bytes                                                strict JSON line
    parse (system prompt, chat, calls), validate (jsonschema), features; reasons and records hold the
    codes and the column contracts.
"""
