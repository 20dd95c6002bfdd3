# Project-wide warning flags, applied per target so that third-party headers
# (included as SYSTEM) stay quiet.
function(medverse_warnings target)
  target_compile_options(${target} PRIVATE
    $<$<CXX_COMPILER_ID:GNU,Clang>:-Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor
      -Wcast-align -Woverloaded-virtual -Wnull-dereference -Wimplicit-fallthrough
      -Wno-missing-field-initializers>)
endfunction()
