# The two commands of the README's quick start, and a few conveniences.
.PHONY: demo test lint bench

demo:  ## set up and start the demo at http://127.0.0.1:8000
	./scripts/demo.sh

test:  ## set up and run every test (what CI runs)
	./scripts/test.sh

lint:
	.venv/bin/ruff check src tests bench && .venv/bin/ruff format --check src tests bench && .venv/bin/mypy src/helpmesh

bench:
	.venv/bin/python bench/load.py --db postgres
