# Results tools (issue 6): figures, mailing-list text, regression verdict.
# The subcommands live in build/revbench (runner/export.c, report.c,
# compare.c, results.c; JSON read with jansson); the figures are
# plot/fig*.gp driven by plot/plot.sh.
#
#   make plot [RESULTS="a.json b.json"] [PLOT_OUT=dir]
#        PNG + SVG of the six figures.  Default RESULTS: the newest
#        results/user-*.json and the newest results/vm-*.json (kernel
#        module in qemu), whichever exist; else the newest results/*.json.
#   make report [RESULTS=a.json] [BASE=b.json]
#        the plain-text report (mmtests layout against BASE if given)
#   make compare BASE=a.json NEW=b.json [THRESHOLD=5] [ALPHA=0.05]
#        regression verdict; exit 1 on a significant regression
#   make check-report   tests/report_cli.sh (part of "make check")
#   make bench          ... ends with bench-results: figures into PLOT_OUT,
#        a text report next to the newest results file, and a compare
#        against $(BASELINE) when that file exists (COMPARE_STRICT=1 makes
#        a regression fail "make bench"; by default it is only reported).

# The results reader needs jansson.  mk/runner.mk, read after this file,
# sets RUNNER_LDLIBS with := and already lists -ljansson (it would override
# this line); keep -ljansson there if that line changes.
RUNNER_LDLIBS += $(if $(filter -ljansson,$(RUNNER_LDLIBS)),,-ljansson)

PLOT_OUT  ?= results/plots
BASELINE  ?= results/baseline/user.json
THRESHOLD ?= 5
ALPHA     ?= 0.05

CHECK_TARGETS += check-report
BENCH_TARGETS += bench-results
.PHONY: plot report compare check-report bench-results

# Newest results files, decided when the recipe runs (after bench-run has
# written its file), not when make reads this file.
PLOT_DEFAULT_RESULTS = \
	u=$$(ls -t results/user-*.json 2>/dev/null | head -n1); \
	v=$$(ls -t results/vm-*.json 2>/dev/null | head -n1); \
	files="$$u $$v"; \
	if [ -z "$$u$$v" ]; then files=$$(ls -t results/*.json 2>/dev/null | head -n1); fi; \
	if [ -z "$$files" ]; then \
		echo "no results/*.json: run make bench or pass RESULTS=file.json" >&2; exit 2; fi

plot: $(BUILD)/revbench
	@files='$(RESULTS)'; \
	if [ -z "$$files" ]; then $(PLOT_DEFAULT_RESULTS); fi; \
	echo "plot: $$files -> $(PLOT_OUT)"; \
	REVBENCH=$(BUILD)/revbench plot/plot.sh $$files $(PLOT_OUT)

report: $(BUILD)/revbench
	@files='$(RESULTS)'; \
	if [ -z "$$files" ]; then files=$$(ls -t results/user-*.json results/vm-*.json 2>/dev/null | head -n1); fi; \
	[ -n "$$files" ] || { echo "report: no results file: pass RESULTS=file.json" >&2; exit 2; }; \
	for f in $$files; do \
		$(BUILD)/revbench report "$$f" $(if $(BASE),--vs $(BASE)) || exit $$?; \
	done

compare: $(BUILD)/revbench
	@[ -n '$(BASE)' ] && [ -n '$(NEW)' ] || { echo "compare: make compare BASE=a.json NEW=b.json" >&2; exit 2; }
	@$(BUILD)/revbench compare $(BASE) $(NEW) --threshold $(THRESHOLD) --alpha $(ALPHA)

check-report: $(BUILD)/revbench
	@BUILD=$(BUILD) tests/report_cli.sh $(BUILD)/revbench

# mk/plot.mk is read before mk/runner.mk (alphabetical order), so
# bench-results lands in BENCH_TARGETS before bench-run.  These
# prerequisites, expanded once every mk/*.mk has been read, make it run
# after every other bench target, with or without -j.
.SECONDEXPANSION:
bench-results: $$(filter-out bench-results,$$(BENCH_TARGETS)) $(BUILD)/revbench
	@$(PLOT_DEFAULT_RESULTS); \
	echo "bench-results: figures of $$files in $(PLOT_OUT)/"; \
	REVBENCH=$(BUILD)/revbench plot/plot.sh $$files $(PLOT_OUT) >/dev/null || exit $$?; \
	for f in $$files; do \
		$(BUILD)/revbench report "$$f" >"$$f.report.txt.tmp" && \
			mv -f "$$f.report.txt.tmp" "$$f.report.txt" || \
			{ rm -f "$$f.report.txt.tmp"; exit 2; }; \
		echo "bench-results: text report in $$f.report.txt"; \
	done; \
	if [ -n "$$u" ] && [ -f '$(BASELINE)' ]; then \
		$(BUILD)/revbench compare '$(BASELINE)' "$$u" --threshold $(THRESHOLD) --alpha $(ALPHA) >"$$u.compare.txt"; \
		rc=$$?; sed -n '/ compared$$/,$$p' "$$u.compare.txt"; \
		echo "bench-results: compare against $(BASELINE) in $$u.compare.txt (exit $$rc)"; \
		if [ $$rc -eq 2 ] || { [ $$rc -eq 1 ] && [ '$(COMPARE_STRICT)' = 1 ]; }; then exit $$rc; fi; \
	elif [ -n "$$u" ]; then \
		echo "bench-results: no baseline $(BASELINE): no regression verdict (see results/README.md)"; \
	fi
