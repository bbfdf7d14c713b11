"""The report stage: figures (PNG + SVG) and one self-contained HTML file from results.json."""
