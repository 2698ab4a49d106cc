"""Trainer-ready exports of the training splits. Plain functions on plain data; no Dagster here.

    write.write_export(format, folder, {"train": rows, "validation": rows, "test": rows},
                       training_report=..., source_revision=...) -> ExportResult
        format "hf" (TRL / transformers: arguments as objects, tools as a JSON string),
               "openai" (OpenAI fine-tuning: arguments as JSON strings, tools as a list),
               "sharegpt" (LLaMA-Factory: conversations + system + tools, and dataset_info.json)

One row at a time: hf.hf_row, openai.openai_row, sharegpt.sharegpt_row (+ sharegpt.sharegpt_problems);
and back: hf.conversation_from_hf, openai.conversation_from_openai, sharegpt.conversation_from_sharegpt
give the processed record's instruction, tools and turns (conversation.conversation_of).
"""
