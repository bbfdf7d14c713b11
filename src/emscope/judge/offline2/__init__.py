"""The offline judge v2: a frozen MiniLM reading question and answer together, with heads
trained on LLM-judged answers, emscope's corpus and a contrastive corpus (see model.py)."""
