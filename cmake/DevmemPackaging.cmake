# `make package` (cpack -G DEB): one installable package with the analyzer, the shim, the rules
# and the man pages. dpkg-shlibdeps computes the shared-library Depends. What no ELF dependency
# reveals is named here: devmem-scan loads libclang (libclang1-19) only when it parses, libclang
# needs its builtin headers at run time, and devmem-scan needs the C library's headers to parse
# the code it scans (on a clean system without libc6-dev every open() is undeclared and nothing
# is found).
set(CPACK_PACKAGE_NAME "devmem-migrate")
set(CPACK_PACKAGE_VENDOR "devmem-migrate developers")
set(CPACK_PACKAGE_CONTACT "devmem-migrate developers <devmem-migrate@localhost>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "${PROJECT_DESCRIPTION}")
set(CPACK_DEBIAN_PACKAGE_DESCRIPTION
  "Finds /dev/mem consumers in C/C++ code (devmem-scan) and keeps unmodified ones working in\n\
locked-down guests through a preload shim that serves firmware tables from /sys/firmware.")
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION "devel")
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_DEPENDS "libclang1-19, libclang-common-19-dev, libc6-dev")
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "dmidecode, libstdc++-12-dev, pkg-config")
set(CPACK_STRIP_FILES ON)
include(CPack)
