# `medverse --host --mode desktop` (what scripts/demo runs on a display), in
# the private X server of tests/desktop/with_xvfb.sh, with the same scripted
# controls as the headless hosting test: the window opens at its size, the
# script grabs and turns the hologram, measures across it and drops a pin;
# the run reports one pin, one measurement and zero validation errors, and
# the screenshot is of the presented window. The script is 11 frames long;
# without --frames the window would stay open for the user after it.
set(png ${OUT}/cli_host_window.png)
file(REMOVE ${png})
execute_process(COMMAND ${MEDVERSE} --host --mode desktop --size 1280x720 --vsync off
  --frames 16 --input-script ${SCRIPT} --screenshot ${png}
  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "medverse exited ${rc}\nstdout: ${out}\nstderr: ${err}")
endif()
foreach(expected "hosting room 'consult' on 127.0.0.1:" "1 pin\\(s\\), 1 measurement\\(s\\)"
                 "measurement: [0-9]+\\.[0-9] mm" "validation: 0 error\\(s\\)")
  if(NOT out MATCHES "${expected}")
    message(FATAL_ERROR "expected '${expected}' in the report, got:\n${out}")
  endif()
endforeach()
file(READ ${png} header LIMIT 24 HEX)
# PNG signature, IHDR, 1280 x 720.
if(NOT header MATCHES "^89504e470d0a1a0a0000000d4948445200000500000002d0")
  message(FATAL_ERROR "the screenshot is not a 1280x720 PNG: ${header}")
endif()
