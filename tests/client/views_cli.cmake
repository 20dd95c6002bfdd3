# The documentation views of `medverse --mode headless`: --view, --preset,
# --clip, --slices/--slice, --labels, and the demo people. Each run must exit 0
# with zero validation errors, and the screenshot must change where a person
# would see it change (compared with tests/client/png_diff.py):
#   - a sagittal clip plane removes the patient's right half of the hologram,
#     which the room camera (in front of the patient) sees on the left;
#   - a preset, the MPR slices and the label surfaces each change the image;
#   - the spectator (--avatars 4) adds nothing to the room (spectators have
#     no avatar), so the image equals --avatars 3.
set(size 320x180)

function(render name)
  set(png ${OUT}/views_${name}.png)
  file(REMOVE ${png})
  execute_process(COMMAND ${MEDVERSE} --mode headless --size ${size} --screenshot ${png} ${ARGN}
    RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "medverse ${ARGN} exited ${rc}\nstdout: ${out}\nstderr: ${err}")
  endif()
  if(NOT out MATCHES "validation: 0 error\\(s\\)")
    message(FATAL_ERROR "medverse ${ARGN}: expected zero validation errors, got:\n${out}")
  endif()
  if(NOT EXISTS ${png})
    message(FATAL_ERROR "medverse ${ARGN}: no screenshot at ${png}")
  endif()
  set(${name}_out "${out}" PARENT_SCOPE)
endfunction()

function(diff a b)
  execute_process(COMMAND ${PYTHON} ${CMAKE_CURRENT_LIST_DIR}/png_diff.py
                          ${OUT}/views_${a}.png ${OUT}/views_${b}.png
    RESULT_VARIABLE rc OUTPUT_VARIABLE json ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "png_diff ${a} ${b} failed: ${err}")
  endif()
  string(JSON changed GET "${json}" changed)
  string(JSON left GET "${json}" changed_left)
  string(JSON right GET "${json}" changed_right)
  set(changed ${changed} PARENT_SCOPE)
  set(left ${left} PARENT_SCOPE)
  set(right ${right} PARENT_SCOPE)
endfunction()

render(room)
render(clip_sagittal --clip sagittal)
diff(room clip_sagittal)
# The hologram covers about 35 x 40 pixels here; half of it must go, on the left,
# and (almost) nothing on the right.
math(EXPR rightTimes10 "${right} * 10")
if(left LESS 300 OR rightTimes10 GREATER left)
  message(FATAL_ERROR "--clip sagittal should remove the patient's right half (the image's "
                      "left): ${left} pixels changed on the left, ${right} on the right")
endif()

render(ct_bone --preset ct-bone)
diff(room ct_bone)
if(changed LESS 300)
  message(FATAL_ERROR "--preset ct-bone should change the hologram; ${changed} pixels changed")
endif()

render(slices --slices)
diff(room slices)
if(changed LESS 300)
  message(FATAL_ERROR "--slices should show the MPR planes; ${changed} pixels changed")
endif()

render(labels --labels)
diff(room labels)
if(changed LESS 300)
  message(FATAL_ERROR "--labels should show the AAL surfaces; ${changed} pixels changed")
endif()
# The surfaces replace the volume: nothing is ray-marched.
if(NOT labels_out MATCHES "0 volume\\(s\\)")
  message(FATAL_ERROR "--labels should draw surfaces instead of the volume, got:\n${labels_out}")
endif()

render(hologram --view hologram)
diff(room hologram)
if(changed LESS 10000)
  message(FATAL_ERROR "--view hologram should be a close-up; only ${changed} pixels changed")
endif()

render(people3 --avatars 3)
render(people4 --avatars 4)
diff(people3 people4)
if(NOT changed EQUAL 0)
  message(FATAL_ERROR "the spectator of --avatars 4 must not appear in the room; "
                      "${changed} pixels differ from --avatars 3")
endif()
diff(room people3)
if(changed LESS 1000)
  message(FATAL_ERROR "--avatars 3 should put people in the room; ${changed} pixels changed")
endif()

# Usage errors: exit 2 with a message naming the flag.
foreach(bad "--clip;diagonal" "--preset;ct-heart" "--view;ceiling" "--no-case;--slices"
            "--slices;--slice;axial")
  execute_process(COMMAND ${MEDVERSE} --mode headless ${bad}
    RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  list(GET bad 0 flag)
  if(NOT rc EQUAL 2 OR NOT "${out}${err}" MATCHES "${flag}|slice")
    message(FATAL_ERROR "medverse ${bad} exited ${rc}, expected 2 naming ${flag}\n${out}${err}")
  endif()
endforeach()
