# Runs `medverse --mode desktop` the way a user would, inside the private X
# server of tests/desktop/with_xvfb.sh: exit code 0, zero validation errors,
# a screenshot of the presented frame at the window's size. Flags that make
# no sense give exit code 2; no display at all gives exit code 1 and says so.
set(png ${OUT}/cli_desktop.png)
file(REMOVE ${png})
execute_process(COMMAND ${MEDVERSE} --mode desktop --frames 3 --size 320x200 --vsync off
                        --screenshot ${png}
  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "medverse exited ${rc}\nstdout: ${out}\nstderr: ${err}")
endif()
if(NOT out MATCHES "presented 3 frame\\(s\\) in a 320x200 window")
  message(FATAL_ERROR "expected 3 presented frames in a 320x200 window, got:\n${out}")
endif()
if(NOT out MATCHES "validation: 0 error\\(s\\)")
  message(FATAL_ERROR "expected a validation report with zero errors, got:\n${out}")
endif()
# Without --case the window shows the sample case's hologram.
if(NOT out MATCHES "1 volume")
  message(FATAL_ERROR "desktop mode should ray-march the sample case, got:\n${out}")
endif()
file(READ ${png} header LIMIT 24 HEX)
if(NOT header MATCHES "^89504e470d0a1a0a0000000d4948445200000140000000c8")
  message(FATAL_ERROR "screenshot is not a 320x200 PNG: ${header}")
endif()

foreach(bad "--vsync;maybe" "--stereo" "--frames;0")
  execute_process(COMMAND ${MEDVERSE} --mode desktop ${bad}
    RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT rc EQUAL 2)
    message(FATAL_ERROR "medverse --mode desktop ${bad} exited ${rc}, expected 2\n${out}${err}")
  endif()
endforeach()

execute_process(COMMAND ${CMAKE_COMMAND} -E env --unset=DISPLAY --unset=WAYLAND_DISPLAY
                        ${MEDVERSE} --mode desktop --frames 1
  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT rc EQUAL 1 OR NOT err MATCHES "display")
  message(FATAL_ERROR "without a display medverse should exit 1 naming the display; got ${rc}\n${out}${err}")
endif()
