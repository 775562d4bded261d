// The least an interposer can be: one exported function that looks up the next definition of a
// symbol with dlsym, as every interposer must. Unlike empty_preload.cpp it needs libc, so the
// loader also checks a symbol version of libc's and lays out a PLT slot in a writable page of
// its own beside the RELRO page: shim_bench.py measures it as the floor under the shim.
#include <dlfcn.h>

extern "C" __attribute__((visibility("default"))) void* devmem_interposer_floor(const char* name) {
    return dlsym(RTLD_NEXT, name);
}
