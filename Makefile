# The project's two commands (see README.md):
#   make seeds   build corpack and pack + verify the seed collection
#   make test    set up the external validators, then fmt, clippy (also
#                without the default openssl feature) and tests,
#                and fmt and clippy of the fuzz targets (built, not run)
# and `make validators`, the set-up alone.

CARGO ?= cargo
CORPACK := $(or $(CARGO_TARGET_DIR),target)/release/corpack
# The fuzz targets are checked on stable without libFuzzer (see fuzz/).
FUZZ_CHECK_DIR := $(or $(CARGO_TARGET_DIR),target)/fuzz-check

.PHONY: seeds test validators

validators:
	scripts/setup-validators

seeds:
	$(CARGO) build --release --locked
	$(CORPACK) pack seeds -o target/seeds.zip --force
	$(CORPACK) verify target/seeds.zip

test: validators
	$(CARGO) fmt --all -- --check
	$(CARGO) clippy --all-targets --locked -- -D warnings
	$(CARGO) clippy --lib --no-default-features --locked -- -D warnings
	RUSTDOCFLAGS="-D warnings" $(CARGO) doc --no-deps --locked
	RUSTDOCFLAGS="-D warnings" $(CARGO) doc --no-deps --document-private-items --locked
	$(CARGO) test --locked
	$(CARGO) fmt --manifest-path fuzz/Cargo.toml -- --check
	$(CARGO) clippy --manifest-path fuzz/Cargo.toml --no-default-features --locked \
		--target-dir $(FUZZ_CHECK_DIR) -- -D warnings
