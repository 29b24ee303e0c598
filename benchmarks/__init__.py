"""Speed of the engine against PyTorch (CPU) and scikit-learn: `python -m benchmarks [--quick]`.

Prints a markdown table and writes `benchmarks/results.json`. PyTorch is optional
(`.venv/bin/pip install torch==2.13.0`); without it the torch rows are skipped. Every measurement
runs in its own process, configurations alternate round by round, and the speed-ups are per-round
ratios, which hold on a shared machine where absolute timings drift.
"""
