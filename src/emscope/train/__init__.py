"""Train stage: fine-tune a chat model on a chat JSONL dataset, through a named backend.

`local` (the default): LoRA supervised fine-tuning in this process. Loss on assistant tokens
only (end-of-turn included), seeded length-grouped micro-batches, bf16 autocast where the
hardware has native bf16, resumable checkpoints, and a PEFT adapter folder plus
`manifest.json` as output. Entry point: `train(config) -> TrainResult`.

`openai`: a fine-tuning job through the OpenAI API, resumable and never created twice; the
output is a fine-tuned model id in `manifest.json`. Entry point:
`train_openai(OpenAITrainConfig) -> TrainedModel`.

Both sit behind `get_backend(name)` (`train.backends`): `resolve(cli, yaml)` then `train(config)`.
"""

from emscope.train.backends import DEFAULT_BACKEND, TRAIN_BACKENDS, TrainedModel, TrainEvent, get_backend
from emscope.train.backends.openai import JobFailed, cancel_openai, train_openai
from emscope.train.config import PRESETS, TrainConfig, default_preset, resolve_config
from emscope.train.loop import StepLog
from emscope.train.openai_config import OpenAITrainConfig, resolve_openai_config
from emscope.train.run import MANIFEST, TrainResult, train

__all__ = ["PRESETS", "TrainConfig", "TrainResult", "StepLog", "MANIFEST", "default_preset", "resolve_config",
           "train", "DEFAULT_BACKEND", "TRAIN_BACKENDS", "TrainedModel", "TrainEvent", "get_backend",
           "OpenAITrainConfig", "resolve_openai_config", "train_openai", "cancel_openai", "JobFailed"]
