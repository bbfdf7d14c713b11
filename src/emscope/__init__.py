"""emscope: measure how narrow fine-tuning on harmful data induces broad (emergent) misalignment."""

__version__ = "0.1.0"
__all__ = ["__version__"]
