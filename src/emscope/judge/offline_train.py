"""`python -m emscope.judge.offline_train`: rebuild the offline judge's shipped weights."""

from emscope.judge.offline.train import main

if __name__ == "__main__":
    main()
