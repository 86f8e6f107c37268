# Results tools (issue 6): figures, mailing-list text, regression verdict.
# The subcommands live in build/revbench (analysis/: report.c,
# compare.c, history.c, export.c over load.c; JSON read with jansson); the
# figures are plot/fig*.gp driven by plot/plot.sh.  Every RESULTS may be a
# file or a run folder (results/HOST-STAMP/, results/latest).
#
#   make plot [RESULTS="a b"] [PLOT_OUT=dir]
#        PNG + SVG of the seven figures.  Default RESULTS: results/latest
#        (else the newest results/*.json); default PLOT_OUT: the run folder
#        when RESULTS is one folder, else results/plots.
#   make plot HISTORY="results/run-*" [PLOT_OUT=dir]
#        the trend figure of revbench history over those runs (PNG + SVG).
#   make report [RESULTS=a] [BASE=b]
#        the plain-text report (mmtests layout against BASE if given)
#   make compare BASE=a NEW=b [THRESHOLD=5] [ALPHA=0.05]
#        regression verdict; exit 1 on a significant regression
#   make check-report   tests/report_cli.sh (part of "make check")
#   make bench          runs bench-run (mk/runner.mk), then bench-results:
#        revbench report into results/latest/report.txt, plot/plot.sh's
#        PNGs into results/latest, and a compare of results/latest
#        against $(BASELINE) when that exists, kept in the run folder as
#        compare.txt (COMPARE_STRICT=1 makes a regression fail "make
#        bench"; by default it is only reported).  The run never forks
#        these itself: each step is its own command, in this order.

# The results reader needs jansson.  mk/runner.mk, read after this file,
# sets RUNNER_LDLIBS with := and already lists -ljansson (it would override
# this line); keep -ljansson there if that line changes.
RUNNER_LDLIBS += $(if $(filter -ljansson,$(RUNNER_LDLIBS)),,-ljansson)

BASELINE  ?= results/baseline
THRESHOLD ?= 5
ALPHA     ?= 0.05

CHECK_TARGETS += check-report
BENCH_TARGETS += bench-results
.PHONY: plot report compare check-report bench-results

# The newest run, decided when the recipe runs (after bench-run).
PLOT_DEFAULT_RESULTS = \
	if [ -e results/latest ]; then files=results/latest; \
	else files=$$(ls -t results/*.json 2>/dev/null | head -n1); fi; \
	if [ -z "$$files" ]; then \
		echo "no results/latest and no results/*.json: run make bench or pass RESULTS=..." >&2; exit 2; fi

plot: $(BUILD)/revbench
	@if [ -n '$(HISTORY)' ]; then \
		out='$(or $(PLOT_OUT),results/plots)'; \
		echo "plot: history of $(HISTORY) -> $$out"; \
		REVBENCH=$(BUILD)/revbench PLOT_DATA=$(BUILD)/plot-data \
			plot/plot.sh --history "$$out" $(HISTORY); exit $$?; \
	fi; \
	files='$(RESULTS)'; \
	if [ -z "$$files" ]; then $(PLOT_DEFAULT_RESULTS); fi; \
	out='$(PLOT_OUT)'; \
	if [ -z "$$out" ]; then \
		set -- $$files; \
		if [ $$# -eq 1 ] && [ -d "$$1" ]; then out=$$1; else out=results/plots; fi; \
	fi; \
	echo "plot: $$files -> $$out"; \
	REVBENCH=$(BUILD)/revbench PLOT_DATA=$(BUILD)/plot-data plot/plot.sh $$files "$$out"

report: $(BUILD)/revbench
	@files='$(RESULTS)'; \
	if [ -z "$$files" ]; then $(PLOT_DEFAULT_RESULTS); fi; \
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
	@[ -d results/latest ] || { echo "bench-results: no results/latest" >&2; exit 2; }
	@$(BUILD)/revbench report results/latest --out results/latest/report.txt && \
		echo "bench-results: results/latest/report.txt"
	@REVBENCH=$(BUILD)/revbench PLOT_DATA=$(BUILD)/plot-data PLOT_FORMATS=png \
		plot/plot.sh results/latest results/latest || \
		echo "bench-results: no figures (plot/plot.sh failed; make plot retries)"
	@if [ -e '$(BASELINE)' ]; then \
		$(BUILD)/revbench compare '$(BASELINE)' results/latest --threshold $(THRESHOLD) --alpha $(ALPHA) >results/latest/compare.txt; \
		rc=$$?; sed -n '/ compared$$/,$$p' results/latest/compare.txt; \
		echo "bench-results: compare against $(BASELINE) in results/latest/compare.txt (exit $$rc)"; \
		if [ $$rc -eq 2 ] || { [ $$rc -eq 1 ] && [ '$(COMPARE_STRICT)' = 1 ]; }; then exit $$rc; fi; \
	else \
		echo "bench-results: no baseline $(BASELINE): no regression verdict (see results/README.md)"; \
	fi
