"""Train stage: LoRA supervised fine-tuning of a causal chat model on a chat JSONL dataset.

Loss on assistant tokens only (end-of-turn included), seeded length-grouped micro-batches,
bf16 autocast where the hardware has native bf16, resumable checkpoints, and a PEFT adapter
folder plus `manifest.json` as output. Entry point: `train(config) -> TrainResult`.
"""

from emscope.train.config import PRESETS, TrainConfig, default_preset, resolve_config
from emscope.train.loop import StepLog
from emscope.train.run import MANIFEST, TrainResult, train

__all__ = ["PRESETS", "TrainConfig", "TrainResult", "StepLog", "MANIFEST", "default_preset", "resolve_config",
           "train"]
