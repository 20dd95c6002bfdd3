# Runs `medverse --mode headless` the way a user would and checks what they
# would notice: exit code 0, a report of zero validation errors, and a PNG of
# the requested size on disk. Bad flags must give exit code 2 and a message.
set(png ${OUT}/cli_room.png)
file(REMOVE ${png})
execute_process(COMMAND ${MEDVERSE} --mode headless --frames 2 --size 320x200 --screenshot ${png}
  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "medverse exited ${rc}\nstdout: ${out}\nstderr: ${err}")
endif()
if(NOT out MATCHES "validation: 0 error\\(s\\)")
  message(FATAL_ERROR "expected a validation report with zero errors, got:\n${out}")
endif()
# Without --case the room shows the sample case's hologram.
if(NOT out MATCHES "1 volume")
  message(FATAL_ERROR "the default headless run should ray-march the sample case, got:\n${out}")
endif()
if(NOT EXISTS ${png})
  message(FATAL_ERROR "no screenshot written at ${png}")
endif()
file(READ ${png} header LIMIT 24 HEX)
# PNG signature, then the IHDR width (0x140 = 320) and height (0xc8 = 200).
if(NOT header MATCHES "^89504e470d0a1a0a0000000d4948445200000140000000c8")
  message(FATAL_ERROR "screenshot is not a 320x200 PNG: ${header}")
endif()

foreach(bad "--size;12by34" "--mode;holodeck" "--frames;0")
  execute_process(COMMAND ${MEDVERSE} ${bad} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT rc EQUAL 2)
    message(FATAL_ERROR "medverse ${bad} exited ${rc}, expected 2 (usage error)\n${out}${err}")
  endif()
  string(LENGTH "${out}${err}" len)
  if(len EQUAL 0)
    message(FATAL_ERROR "medverse ${bad} failed without saying why")
  endif()
endforeach()
# A case that does not exist is bad input (3) naming the path, found before
# anything is rendered.
execute_process(COMMAND ${MEDVERSE} --mode headless --size 64x64 --case /nonexistent/brain.mvcase
  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT rc EQUAL 3 OR NOT err MATCHES "/nonexistent/brain.mvcase")
  message(FATAL_ERROR "a missing --case should exit 3 naming it; got ${rc}: ${out}${err}")
endif()
execute_process(COMMAND ${MEDVERSE} --help RESULT_VARIABLE rc OUTPUT_VARIABLE out)
foreach(flag --mode --frames --size --screenshot --case --no-case)
  if(NOT out MATCHES "${flag}")
    message(FATAL_ERROR "--help does not explain ${flag}")
  endif()
endforeach()
