// A preload library with nothing in it: what shim_bench.py compares libdevmem-shim.so with, to
// tell the loader's price for any LD_PRELOAD from the shim's own.
extern "C" __attribute__((visibility("default"))) void devmem_empty_preload() {}
