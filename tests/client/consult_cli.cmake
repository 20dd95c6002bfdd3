# `medverse --host --mode headless --input-script`: the listen server and the
# scripted desktop controls as a user runs them. The script grabs and turns
# the hologram, measures across it and drops a pin; the run reports one pin,
# one measurement in mm and zero validation errors, and writes the
# screenshot. Flags that do not go together are usage errors (exit 2).
set(png ${OUT}/cli_consult.png)
file(REMOVE ${png})
execute_process(COMMAND ${MEDVERSE} --host --mode headless --size 1280x720
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
foreach(bad "--connect;localhost:7777" "--mode;spectator;--host" "--connect;nohost;--token-file;x")
  execute_process(COMMAND ${MEDVERSE} ${bad} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT rc EQUAL 2)
    message(FATAL_ERROR "medverse ${bad} exited ${rc}, expected 2 (usage error)\n${out}${err}")
  endif()
endforeach()
