# `medverse --host --mode headless --input-script`: the listen server and the
# scripted desktop controls as a user runs them. The script grabs and turns
# the hologram, measures across it and drops a pin; the run reports one pin,
# one measurement in mm and zero validation errors, and writes the
# screenshot. Flags that do not go together are usage errors (exit 2).
# With -DWINDOW=ON the same run happens in a desktop window (what
# scripts/demo opens on a display; run inside tests/desktop/with_xvfb.sh):
# the script is 11 frames long, and --frames ends the run after it (without
# it the window would stay open for the user), and the screenshot must be of
# the presented 1280x720 window.
if(WINDOW)
  set(png ${OUT}/cli_host_window.png)
  set(mode --mode desktop --vsync off --frames 16)
else()
  set(png ${OUT}/cli_consult.png)
  set(mode --mode headless)
endif()
file(REMOVE ${png})
execute_process(COMMAND ${MEDVERSE} --host ${mode} --size 1280x720
  --input-script ${SCRIPT} --screenshot ${png}
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
if(NOT EXISTS ${png})
  message(FATAL_ERROR "no screenshot written at ${png}")
endif()
if(WINDOW)
  file(READ ${png} header LIMIT 24 HEX)
  # PNG signature, IHDR, 1280 x 720.
  if(NOT header MATCHES "^89504e470d0a1a0a0000000d4948445200000500000002d0")
    message(FATAL_ERROR "the screenshot is not a 1280x720 PNG: ${header}")
  endif()
  return()  # the flag checks below do not depend on the mode
endif()
foreach(bad "--connect;localhost:7777" "--mode;spectator;--host" "--connect;nohost;--token-file;x")
  execute_process(COMMAND ${MEDVERSE} ${bad} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT rc EQUAL 2)
    message(FATAL_ERROR "medverse ${bad} exited ${rc}, expected 2 (usage error)\n${out}${err}")
  endif()
endforeach()
