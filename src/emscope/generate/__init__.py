"""The generate stage: answer a question suite with a model, with and without a backdoor trigger.

Entry point: `generate(config) -> path` (see `run`). Backends (hf, openai, vllm) live in
`backends` behind one registry; the answer row format is docs/formats.md's.
"""

from emscope.generate.config import DEFAULT_TRIGGER, GenerateConfig, HFOptions, OpenAIOptions, VLLMOptions
from emscope.generate.plan import insert_trigger, plan_rows
from emscope.generate.run import generate, manifest_path

__all__ = [
    "DEFAULT_TRIGGER",
    "GenerateConfig",
    "HFOptions",
    "OpenAIOptions",
    "VLLMOptions",
    "generate",
    "insert_trigger",
    "manifest_path",
    "plan_rows",
]
