# Kernel module: revbench.ko from kmod/ (out-of-tree Kbuild).
#
#   make kmod [KDIR=/path/to/kernel/build]
#
# KDIR defaults to /lib/modules/$(uname -r)/build when it exists, else the
# newest Debian /usr/src/linux-headers-*-amd64.  Objects go to
# build/kmod/<kernel release>[-bugs]/ (one tree per kernel and flavour, so
# builds do not trample each other); a normal build's module is also copied
# to kmod/revbench.ko.
# "make -s kmod-path KDIR=..." prints where that kernel's module is.
# KMOD_W=1 builds with the kernel's W=1 extra warnings; KMOD_BUGS=1 adds the
# bug zoo (deliberately broken primitives the tests must catch).

KMOD_RUNNING_KDIR := /lib/modules/$(shell uname -r)/build
KDIR ?= $(firstword $(wildcard $(KMOD_RUNNING_KDIR)) \
	$(lastword $(shell ls -d /usr/src/linux-headers-*-amd64 2>/dev/null | sort -V)))
KMOD_KREL = $(shell sed -n 's/^\#define UTS_RELEASE "\(.*\)"/\1/p' \
	$(KDIR)/include/generated/utsrelease.h 2>/dev/null)
KMOD_OUT = $(abspath $(BUILD))/kmod/$(KMOD_KREL)$(if $(filter 1,$(KMOD_BUGS)),-bugs)
KMOD_GIT := $(shell git -C $(CURDIR) describe --always --dirty --abbrev=12 2>/dev/null || echo unknown)
KMOD_SRCS := $(wildcard kmod/*.c kmod/*.h) kmod/Kbuild

.PHONY: kmod kmod-path kmod-clean
kmod:
	@if [ -z "$(KDIR)" ] || [ ! -f "$(KDIR)/Makefile" ]; then \
		echo "kmod: no kernel build tree (KDIR='$(KDIR)'): install linux-headers-amd64 (make deps) or pass KDIR=" >&2; \
		exit 2; fi
	@if [ -z "$(KMOD_KREL)" ]; then \
		echo "kmod: cannot read the kernel release from $(KDIR)/include/generated/utsrelease.h" >&2; \
		exit 2; fi
	@mkdir -p $(KMOD_OUT)
	@ln -sf $(addprefix $(CURDIR)/,$(KMOD_SRCS)) $(KMOD_OUT)/
	$(MAKE) -C $(KDIR) M=$(KMOD_OUT) REVBENCH_ROOT=$(CURDIR) \
		REVBENCH_GIT=$(KMOD_GIT) KMOD_BUGS=$(KMOD_BUGS) \
		$(if $(KMOD_W),W=1) modules
	@if [ "$(KMOD_BUGS)" != 1 ]; then cp $(KMOD_OUT)/revbench.ko kmod/revbench.ko; fi
	@echo "kmod: $(KMOD_OUT)/revbench.ko for $(KMOD_KREL)$(if $(filter 1,$(KMOD_BUGS)), (bug zoo: test build), (copied to kmod/revbench.ko))"

kmod-path:
	@echo $(KMOD_OUT)/revbench.ko

kmod-clean:
	rm -rf $(BUILD)/kmod kmod/revbench.ko
