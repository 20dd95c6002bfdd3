# GLSL in shaders/ is compiled to SPIR-V by glslc at build time and embedded
# into the binary as a uint32_t array, so executables need no shader files at
# run time and a shader edit (or an edit to a file it #includes) rebuilds it.
# No SPIR-V is kept in git.
function(medverse_add_shaders target)
  cmake_parse_arguments(ARG "" "" "SOURCES" ${ARGN})
  set(out_dir ${CMAKE_CURRENT_BINARY_DIR}/generated/medverse/shaders)
  set(headers "")
  foreach(src IN LISTS ARG_SOURCES)
    get_filename_component(abs ${src} ABSOLUTE)
    get_filename_component(fname ${src} NAME)
    string(MAKE_C_IDENTIFIER ${fname} ident)
    set(spv ${out_dir}/${fname}.spv)
    set(hdr ${out_dir}/${ident}.h)
    add_custom_command(
      OUTPUT ${spv}
      COMMAND ${CMAKE_COMMAND} -E make_directory ${out_dir}
      COMMAND ${GLSLC_EXECUTABLE} --target-env=vulkan1.2 -O -Werror -MD -MF ${spv}.d
              -I ${CMAKE_CURRENT_SOURCE_DIR} -o ${spv} ${abs}
      DEPENDS ${abs}
      DEPFILE ${spv}.d
      COMMENT "glslc ${fname}"
      VERBATIM)
    add_custom_command(
      OUTPUT ${hdr}
      COMMAND ${CMAKE_COMMAND} -DINPUT=${spv} -DOUTPUT=${hdr} -DNAME=k_${ident}
              -P ${PROJECT_SOURCE_DIR}/cmake/EmbedSpirv.cmake
      DEPENDS ${spv} ${PROJECT_SOURCE_DIR}/cmake/EmbedSpirv.cmake
      COMMENT "embed ${fname}.spv"
      VERBATIM)
    list(APPEND headers ${hdr})
  endforeach()
  add_custom_target(${target}_spirv DEPENDS ${headers})
  add_library(${target} INTERFACE)
  add_dependencies(${target} ${target}_spirv)
  target_include_directories(${target} INTERFACE ${CMAKE_CURRENT_BINARY_DIR}/generated)
endfunction()
