# The two commands a newcomer needs (README): `make demo` and `make test`.
SHELL := /bin/bash
APP := .venv/bin
# AS is also make's built-in name for the assembler ("as"), so `?=` would never apply: only a value from
# the command line (make demo AS=teacher) or the environment replaces the default persona.
ifeq ($(origin AS),default)
AS := parent
endif

.PHONY: demo test test-core setup i18n i18n-extract bench clean evaluate

demo: setup ## Set up what is missing, seed the demo store, train if needed, start both servers, chat as $(AS)
	$(APP)/naervaer demo --as $(AS)

test: setup ## The layering rules, then the whole test suite (core tests first, then the Rasa data checks and the end-to-end tests)
	$(APP)/lint-imports
	$(APP)/pytest

test-core: setup ## The layering rules and the fast core tests (seconds)
	$(APP)/lint-imports
	$(APP)/pytest -m "not e2e"

setup: ## Both environments (rebuilt only when their definition changed) and the compiled catalogs
	@bash scripts/setup.sh
	@$(MAKE) --no-print-directory i18n

i18n: ## Compile the gettext catalogs (every language)
	@out=$$($(APP)/pybabel compile -d naervaer/locale -D naervaer 2>&1) || { echo "$$out"; exit 1; }

i18n-extract: ## After changing texts in the code: refresh the template and every catalog
	$(APP)/pybabel extract -F babel.cfg -k t:2 -k tn:2,3 -k N_ --no-location --sort-output --omit-header -w 120 -o naervaer/locale/naervaer.pot .
	$(APP)/pybabel update -i naervaer/locale/naervaer.pot -d naervaer/locale -D naervaer -w 120 --ignore-obsolete --no-fuzzy-matching

bench: setup ## Benchmarks: rules engine, chat turns vs the rasa init reference, memory, NLU (tables + var/bench/latest.json)
	$(APP)/naervaer bench

clean: ## Remove environments, models and local data
	rm -rf .venv .venv-rasa models var

evaluate: setup ## The exam on the ranker and through the servers (docs/knowledge.md), then the NLU figures (docs/nlu.md)
	$(APP)/python -m naervaer.knowledge.report
	$(APP)/python -m naervaer.nlu_eval
