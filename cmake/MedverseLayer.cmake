# medverse_layer(NAME DEPS...) declares one engine layer: a static library
# built from the layer's src/*.cpp, with public headers under
# include/medverse/<layer>/. DEPS is the layer's link list, which is the
# layering of DESIGN.md (checked by medverse_check_layering).
function(medverse_layer name)
  cmake_parse_arguments(ARG "" "" "PUBLIC;PRIVATE" ${ARGN})
  file(GLOB_RECURSE sources CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/src/*.cpp)
  file(GLOB_RECURSE headers CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/include/*.h)
  if(NOT sources)
    message(STATUS "MedVerse: layer '${name}' has no sources yet; skipped")
    return()
  endif()
  add_library(medverse_${name} STATIC ${sources} ${headers})
  add_library(medverse::${name} ALIAS medverse_${name})
  target_include_directories(medverse_${name} PUBLIC ${CMAKE_CURRENT_SOURCE_DIR}/include
                                              PRIVATE ${CMAKE_CURRENT_SOURCE_DIR}/src)
  target_link_libraries(medverse_${name} PUBLIC ${ARG_PUBLIC} PRIVATE ${ARG_PRIVATE})
  set_target_properties(medverse_${name} PROPERTIES POSITION_INDEPENDENT_CODE ON)
  medverse_warnings(medverse_${name})
endfunction()

# medverse_suite(NAME LIBS...) builds tests/<dir>/*.cpp into one doctest
# executable named test_<NAME>.
function(medverse_suite name)
  cmake_parse_arguments(ARG "" "" "LIBS;LABELS;ENV" ${ARGN})
  file(GLOB sources CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/*.cpp)
  foreach(lib IN LISTS ARG_LIBS)
    if(lib MATCHES "^medverse_" AND NOT TARGET ${lib})
      return()
    endif()
  endforeach()
  if(NOT sources)
    return()
  endif()
  medverse_test(test_${name} SOURCES ${sources} LIBS ${ARG_LIBS} LABELS ${name} ${ARG_LABELS}
                ENV ${ARG_ENV})
endfunction()
