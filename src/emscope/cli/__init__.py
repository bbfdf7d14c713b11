"""The `emscope` command line: parses arguments, calls a stage, prints."""
