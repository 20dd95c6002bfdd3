# `medverse --mode headless --avatars N --ui`: the populated room with the
# overlay renders with zero validation errors; an out-of-range --avatars is a
# usage error (exit 2) that says why.
set(png ${OUT}/cli_people.png)
file(REMOVE ${png})
execute_process(COMMAND ${MEDVERSE} --mode headless --avatars 4 --ui --size 640x360 --screenshot ${png}
  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "medverse exited ${rc}\nstdout: ${out}\nstderr: ${err}")
endif()
if(NOT out MATCHES "validation: 0 error\\(s\\)")
  message(FATAL_ERROR "expected a validation report with zero errors, got:\n${out}")
endif()
if(NOT EXISTS ${png})
  message(FATAL_ERROR "no screenshot written at ${png}")
endif()
execute_process(COMMAND ${MEDVERSE} --mode headless --avatars 7
  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT rc EQUAL 2 OR NOT "${out}${err}" MATCHES "avatars")
  message(FATAL_ERROR "--avatars 7 exited ${rc}, expected 2 with a message naming --avatars\n${out}${err}")
endif()
