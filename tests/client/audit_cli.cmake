# The audit trail as whoever runs the room reads it: `medverse --host
# --journal J` with a scripted desktop session (grab and turn, cut, slice,
# preset, measure, pin), then `medverse-server audit --journal J` lists each
# of those actions with the host's name and role; --json gives the same as
# JSON lines. A missing journal is bad input (exit 3), not a crash.
set(journal ${OUT}/cli_audit.journal)
file(REMOVE ${journal} ${journal}-wal)
execute_process(COMMAND ${MEDVERSE} --host --mode headless --size 1280x720 --name "Dr. Amara Okafor"
  --input-script ${SCRIPT} --journal ${journal} --until "pins>=1,measurements>=1,clip,released"
  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "medverse exited ${rc}\nstdout: ${out}\nstderr: ${err}")
endif()
execute_process(COMMAND ${SERVER} audit --journal ${journal}
  RESULT_VARIABLE rc OUTPUT_VARIABLE listing ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "medverse-server audit exited ${rc}\n${listing}${err}")
endif()
message(STATUS "audit trail:\n${listing}")
set(who "Dr\\. Amara Okafor \\(expert, client [0-9]+\\)")
foreach(expected "join ${who}: joined" "grab ${who}: took the hologram"
                 "release ${who}: released the hologram"
                 "clip-plane ${who}: clip plane 2: off -> normal"
                 "slice-plane ${who}: axial slice: off -> normal" "preset ${who}: preset 0 -> 1"
                 "measurement ${who}: measurement 1" "annotation ${who}: annotation 1")
  if(NOT listing MATCHES "${expected}")
    message(FATAL_ERROR "expected '${expected}' in the audit listing, got:\n${listing}")
  endif()
endforeach()
execute_process(COMMAND ${SERVER} audit --journal ${journal} --json
  RESULT_VARIABLE rc OUTPUT_VARIABLE json ERROR_VARIABLE err)
if(NOT rc EQUAL 0 OR NOT json MATCHES "\"type\":\"grab\",\"clientId\":[0-9]+,\"name\":\"Dr\\. Amara Okafor\"")
  message(FATAL_ERROR "medverse-server audit --json exited ${rc}:\n${json}${err}")
endif()
execute_process(COMMAND ${SERVER} audit --journal ${OUT}/no_such.journal
  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT rc EQUAL 3 OR NOT err MATCHES "no such journal file")
  message(FATAL_ERROR "audit of a missing journal exited ${rc} (expected 3):\n${out}${err}")
endif()
