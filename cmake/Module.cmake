# citydata_module(NAME <name> SRCS <files...> DEPS <targets...>)
#
# Declares the static library citydata_<name> from src/<name>. DEPS lists other
# citydata modules (by short name) and external targets. A citydata module must be
# declared before any module that depends on it, so a dependency cycle fails at
# configure time instead of linking by accident.
set(CITYDATA_WARNINGS -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor
    -Wold-style-cast -Wcast-align -Wunused -Woverloaded-virtual -Wnull-dereference
    -Wimplicit-fallthrough -Werror)
# GCC 12 at -O3 reports false -Wrestrict errors for `"literal" + std::string`
# (GCC bug 105329); the warning is off for GCC until the toolchain is fixed.
if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
  list(APPEND CITYDATA_WARNINGS -Wno-restrict)
endif()

function(citydata_module)
  cmake_parse_arguments(M "" "NAME" "SRCS;DEPS" ${ARGN})
  set(target citydata_${M_NAME})
  add_library(${target} STATIC ${M_SRCS})
  target_include_directories(${target} PUBLIC ${PROJECT_SOURCE_DIR}/src)
  target_compile_options(${target} PRIVATE ${CITYDATA_WARNINGS})
  foreach(dep IN LISTS M_DEPS)
    if(dep MATCHES "::" OR dep MATCHES "^-")
      target_link_libraries(${target} PUBLIC ${dep})
    elseif(TARGET citydata_${dep})
      target_link_libraries(${target} PUBLIC citydata_${dep})
    elseif(TARGET ${dep})
      target_link_libraries(${target} PUBLIC ${dep})
    else()
      message(FATAL_ERROR "module ${M_NAME}: dependency '${dep}' is not declared yet "
                          "(modules must be declared bottom-up; is this a cycle?)")
    endif()
  endforeach()
endfunction()

# citydata_test(NAME <name> SRCS <files...> DEPS <modules...>)
# A GoogleTest binary registered with CTest; tests live beside the code they test.
function(citydata_test)
  if(NOT CITYDATA_TESTS)
    return()
  endif()
  cmake_parse_arguments(T "" "NAME" "SRCS;DEPS" ${ARGN})
  add_executable(${T_NAME} ${T_SRCS})
  target_compile_options(${T_NAME} PRIVATE ${CITYDATA_WARNINGS})
  foreach(dep IN LISTS T_DEPS)
    if(TARGET citydata_${dep})
      target_link_libraries(${T_NAME} PRIVATE citydata_${dep})
    else()
      target_link_libraries(${T_NAME} PRIVATE ${dep})
    endif()
  endforeach()
  target_link_libraries(${T_NAME} PRIVATE GTest::gtest_main GTest::gmock)
  target_compile_definitions(${T_NAME} PRIVATE
      CITYDATA_TESTDATA_DIR="${CMAKE_CURRENT_SOURCE_DIR}/testdata")
  include(GoogleTest)
  gtest_discover_tests(${T_NAME} DISCOVERY_TIMEOUT 60)
endfunction()
