# Gương sáng Hải Phòng — two commands: `make run` and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 5000
export FLASK_APP := showcase

.PHONY: run dev test lock lint format bench images db clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

# the lock files pin every package, transitive ones included (`make lock` writes them)
$(VENV)/.installed: requirements.lock | $(BIN)/python
	$(BIN)/pip install -q -r requirements.lock
	touch $@

$(VENV)/.installed-dev: requirements.lock requirements-dev.lock | $(BIN)/python
	$(BIN)/pip install -q -r requirements-dev.lock
	touch $@ $(VENV)/.installed

# after changing requirements.txt or requirements-dev.txt: resolve every version again
lock: $(VENV)/.installed-dev
	$(BIN)/uv pip compile --quiet --python-version 3.11 requirements.txt -o requirements.lock
	$(BIN)/uv pip compile --quiet --python-version 3.11 requirements-dev.txt -o requirements-dev.lock

db: $(VENV)/.installed
	$(BIN)/flask db upgrade
	$(BIN)/flask content import content --if-empty
	$(BIN)/flask search catch-up

define FIRST_ADMIN
	@echo "Trang quản trị: http://$(HOST):$(PORT)/admin — không có tài khoản mặc định. Tạo tài khoản đầu tiên:"
	@echo "  $(BIN)/flask --app showcase users create you@example.vn --role admin --name 'Tên của bạn'"
endef

# the site as it runs in production: gunicorn (gunicorn.conf.py), workers from WEB_CONCURRENCY
run: db
	$(FIRST_ADMIN)
	$(BIN)/python -m showcase.serve -c gunicorn.conf.py --bind $(HOST):$(PORT)

# Flask's development server: reloads on every change, shows tracebacks in the browser
dev: db
	$(FIRST_ADMIN)
	$(BIN)/flask run --debug --host $(HOST) --port $(PORT)

test: $(VENV)/.installed-dev
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

format: $(VENV)/.installed-dev
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

bench: $(VENV)/.installed-dev
	$(BIN)/python bench/images.py
	$(BIN)/python bench/search.py
	$(BIN)/python bench/pages.py

images: $(VENV)/.installed
	$(BIN)/python scripts/make_sample_images.py

clean:
	rm -rf $(VENV) instance .pytest_cache
