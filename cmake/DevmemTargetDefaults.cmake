# devmem_target_defaults(<target>): the flags every target of the project's own code gets.
# Warnings are errors for project code only; third-party headers come in as system includes.

set(_devmem_sanitize_flags "")
set(_devmem_sanitize_compile_flags "")
if(DEVMEM_SANITIZE)
  set(_devmem_sanitize_flags "-fsanitize=${DEVMEM_SANITIZE}" -fno-omit-frame-pointer -fno-sanitize-recover=all)
  # GCC 12's flow analysis under -fsanitize reports std::function inside libstdc++'s <regex> as
  # maybe-uninitialized; the plain build keeps the warning as an error.
  if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
    set(_devmem_sanitize_compile_flags -Wno-maybe-uninitialized)
  endif()
endif()

function(devmem_target_defaults target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Werror
    $<$<COMPILE_LANGUAGE:CXX>:-Wnon-virtual-dtor -Woverloaded-virtual>)
  if(_devmem_sanitize_flags)
    target_compile_options(${target} PRIVATE ${_devmem_sanitize_flags} ${_devmem_sanitize_compile_flags})
    target_link_options(${target} PRIVATE ${_devmem_sanitize_flags})
  endif()
endfunction()

# A target that must not carry sanitizer runtimes (the preload library is loaded into programs
# that were not built with them) still gets the warnings.
function(devmem_target_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Werror)
endfunction()
