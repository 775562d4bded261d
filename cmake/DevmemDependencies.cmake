# Finds the Debian 12 packages the project builds against. Each failure names the package to
# install; `scripts/install-deps` installs all of them.

function(devmem_require found package what)
  if(NOT ${found})
    message(FATAL_ERROR "devmem-migrate needs ${what}: install the Debian package '${package}' "
                        "(or run scripts/install-deps)")
  endif()
endfunction()

if(DEVMEM_BUILD_ANALYZER)
  find_path(DEVMEM_LIBCLANG_INCLUDE_DIR clang-c/Index.h
    HINTS /usr/lib/llvm-19/include NO_DEFAULT_PATH)
  find_library(DEVMEM_LIBCLANG_LIBRARY NAMES clang-19 clang
    HINTS /usr/lib/llvm-19/lib NO_DEFAULT_PATH)
  devmem_require(DEVMEM_LIBCLANG_INCLUDE_DIR libclang-19-dev "libclang 19's C API headers")
  devmem_require(DEVMEM_LIBCLANG_LIBRARY libclang-19-dev "libclang 19")
  # Headers only: the analyzer loads the library itself when it first parses
  # (analyzer/src/libclang_loader.hpp), from the file the link name resolves to.
  add_library(devmem::libclang INTERFACE IMPORTED)
  set_target_properties(devmem::libclang PROPERTIES
    INTERFACE_INCLUDE_DIRECTORIES "${DEVMEM_LIBCLANG_INCLUDE_DIR}")
  file(REAL_PATH "${DEVMEM_LIBCLANG_LIBRARY}" DEVMEM_LIBCLANG_RUNTIME_LIBRARY)
  if(NOT EXISTS /usr/lib/llvm-19/lib/clang/19/include/stddef.h)
    message(WARNING "clang 19's builtin headers are missing: install libclang-common-19-dev")
  endif()
endif()

find_package(Boost 1.74 QUIET COMPONENTS program_options)
devmem_require(Boost_FOUND libboost-program-options-dev "Boost.Program_options")
find_package(fmt 9 QUIET)
devmem_require(fmt_FOUND libfmt-dev "fmt")
find_package(nlohmann_json 3.11 QUIET)
devmem_require(nlohmann_json_FOUND nlohmann-json3-dev "nlohmann-json")
find_package(yaml-cpp 0.7 QUIET)
devmem_require(yaml-cpp_FOUND libyaml-cpp-dev "yaml-cpp")

if(DEVMEM_BUILD_TESTS)
  find_package(Catch2 2.13 QUIET)
  devmem_require(Catch2_FOUND catch2 "Catch2 2.13")
  find_package(Python3 QUIET COMPONENTS Interpreter)
  devmem_require(Python3_FOUND python3 "Python 3 (test drivers)")
endif()
