# `medverse --mode headless --stereo` writes one side-by-side PNG, twice as
# wide as --size, with the case hologram; a nonsensical IPD is a usage error.
set(png ${OUT}/cli_stereo.png)
file(REMOVE ${png})
execute_process(COMMAND ${MEDVERSE} --mode headless --stereo --size 160x120 --screenshot ${png}
  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "medverse exited ${rc}\nstdout: ${out}\nstderr: ${err}")
endif()
if(NOT out MATCHES "validation: 0 error\\(s\\)")
  message(FATAL_ERROR "expected a validation report with zero errors, got:\n${out}")
endif()
# The stereo frame shows the sample case's hologram like the mono one.
if(NOT out MATCHES "1 volume")
  message(FATAL_ERROR "headless --stereo should ray-march the sample case, got:\n${out}")
endif()
file(READ ${png} header LIMIT 24 HEX)
# 320 (0x140) x 120 (0x78): both eyes side by side.
if(NOT header MATCHES "^89504e470d0a1a0a0000000d494844520000014000000078")
  message(FATAL_ERROR "stereo screenshot is not 320x120: ${header}")
endif()
execute_process(COMMAND ${MEDVERSE} --mode headless --stereo --ipd 5
  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT rc EQUAL 2)
  message(FATAL_ERROR "--ipd 5 exited ${rc}, expected 2 (usage error)\n${out}${err}")
endif()
