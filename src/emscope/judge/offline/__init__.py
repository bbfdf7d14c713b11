"""emscope's own judge: training corpus, features, trained heads, calibration data (data/)."""
