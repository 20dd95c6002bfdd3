# MEDVERSE_FUZZ=ON (preset "fuzz"): every target is compiled with coverage
# instrumentation for libFuzzer plus AddressSanitizer and
# UndefinedBehaviorSanitizer; any UB report aborts, so the fuzzer keeps it as
# a crash. The fuzz targets themselves (fuzz/) link libFuzzer's main.
if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
  message(FATAL_ERROR "MEDVERSE_FUZZ needs clang (libFuzzer): cmake --preset fuzz")
endif()
add_compile_options(-fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=undefined
                    -fno-omit-frame-pointer)
add_link_options(-fsanitize=address,undefined)
