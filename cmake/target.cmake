# SPDX-License-Identifier: MIT
#
# Target side of the build (cross-compiled, freestanding): the EL2 core as
# an object library, the guest images, the driver partitions' libraries
# (userland-drivers/), and one system image per config via
# bulkhead_system(). BHCONFIG is the host config tool, passed in by the
# host project.
set(BH_TARGET_CFLAGS
  -ffreestanding -nostdlib -fno-builtin -mgeneral-regs-only
  -mno-outline-atomics -mstrict-align -fno-pie -fno-stack-protector
  -fno-asynchronous-unwind-tables -fno-unwind-tables
  -ffunction-sections -fdata-sections -Os -g
  -Wall -Wextra -Werror -Wconversion -Wsign-conversion -Wshadow -Wvla
  -Wswitch-default -Wmissing-prototypes)
set(BH_TARGET_LDFLAGS -nostdlib -nostartfiles -static -no-pie
  -Wl,--gc-sections -Wl,--build-id=none -Wl,-z,noexecstack)

set(BH_IMAGES_DIR ${CMAKE_BINARY_DIR}/images)
set(BH_SYSTEMS_DIR ${CMAKE_BINARY_DIR}/systems)
file(MAKE_DIRECTORY ${BH_IMAGES_DIR})

add_subdirectory(kernel)
add_subdirectory(partitions)
add_subdirectory(userland-drivers)

# The guest images of partitions/ that CONFIG names (image = "NAME"), so
# that building one system builds only its own guests; all of them if it
# names none directly (its partitions may come from an included file).
function(bh_config_guests config out)
  get_property(names GLOBAL PROPERTY BH_GUEST_TARGETS)
  file(READ ${config} text)
  set(files)
  foreach(n ${names})
    if(text MATCHES "\"${n}(\\.elf)?\"")
      list(APPEND files ${BH_IMAGES_DIR}/${n}.elf)
    endif()
  endforeach()
  if(NOT files)
    get_property(files GLOBAL PROPERTY BH_GUEST_FILES)
  endif()
  set(${out} ${files} PARENT_SCOPE)
endfunction()

# bulkhead_system(NAME CONFIG [PRINT] [DEPENDS FILE...] [PLATFORMS DIR...]
# [IMAGES DIR...]): validate CONFIG with bhconfig, generate its tables,
# and link NAME's system image: systems/NAME/bulkhead.elf, with report.txt
# beside it (printed by the build if PRINT). DEPENDS names files the
# config's images are made by this build (generated files bhconfig
# reads); PLATFORMS and IMAGES add directories of platform descriptions
# (beside dts/) and of guest images. After the link, bhcheck
# (BHCHECK) checks the image independently against the config: a
# mismatch, or anything that breaks isolation, fails the build and
# removes the image.
function(bulkhead_system name config)
  cmake_parse_arguments(arg "PRINT" "" "DEPENDS;PLATFORMS;IMAGES" ${ARGN})
  set(quiet --quiet)
  if(arg_PRINT)
    set(quiet)
  endif()
  set(out ${BH_SYSTEMS_DIR}/${name})
  file(RELATIVE_PATH shown ${CMAKE_SOURCE_DIR} ${config})
  if(shown MATCHES "^\\.\\./")
    set(shown ${config})
  endif()
  get_filename_component(config_dir ${config} DIRECTORY)
  bh_config_guests(${config} guests)
  set(image_dirs -L ${BH_IMAGES_DIR})
  if(BULKHEAD_LINUX_DIR)
    list(APPEND image_dirs -L ${BULKHEAD_LINUX_DIR})
  endif()
  foreach(d ${arg_IMAGES})
    list(APPEND image_dirs -L ${d})
  endforeach()
  set(platform_dirs -P ${CMAKE_SOURCE_DIR}/dts)
  foreach(d ${arg_PLATFORMS})
    list(APPEND platform_dirs -P ${d})
  endforeach()
  add_custom_command(
    OUTPUT ${out}/config.c ${out}/images.s ${out}/layout.ld ${out}/report.in
           ${out}/config.dtb ${out}/platform.dtb ${out}/disks.txt
    COMMAND ${CMAKE_COMMAND} -E make_directory ${out}
    COMMAND ${BHCONFIG} gen ${shown} --out ${out}
            ${platform_dirs} -I ${config_dir}
            ${image_dirs}
            --depfile ${out}/config.d --deptarget ${out}/config.c
    DEPFILE ${out}/config.d
    DEPENDS ${config} ${BHCONFIG} ${guests} ${arg_DEPENDS}
    WORKING_DIRECTORY ${CMAKE_SOURCE_DIR}
    COMMENT "bhconfig: ${shown}")
  add_executable(bulkhead-${name} ${out}/config.c ${out}/images.s
                 $<TARGET_OBJECTS:bh_core>)
  target_include_directories(bulkhead-${name} PRIVATE ${BH_CORE_INCLUDES})
  target_compile_options(bulkhead-${name} PRIVATE ${BH_TARGET_CFLAGS})
  target_link_options(bulkhead-${name} PRIVATE ${BH_TARGET_LDFLAGS}
    -Wl,-L,${out} -Wl,-T,${CMAKE_SOURCE_DIR}/kernel/arch/aarch64/hyp.ld)
  set_target_properties(bulkhead-${name} PROPERTIES
    OUTPUT_NAME bulkhead.elf SUFFIX "" RUNTIME_OUTPUT_DIRECTORY ${out}
    LINK_DEPENDS "${CMAKE_SOURCE_DIR}/kernel/arch/aarch64/hyp.ld;${out}/layout.ld;${out}/config.dtb;${out}/platform.dtb;${BHCHECK}")
  # The checker's arguments, also for the tests that run it again.
  set(check_args --config ${out}/config.dtb --platform ${out}/platform.dtb
      --name ${shown} --config-dir ${config_dir} ${image_dirs})
  string(REPLACE ";" " " check_line "${check_args}")
  file(WRITE ${out}/bhcheck.args "${check_line}\n")
  add_custom_command(TARGET bulkhead-${name} POST_BUILD
    COMMAND ${BHCHECK} ${out}/bulkhead.elf ${check_args} --remove-on-failure
    COMMAND ${BHCONFIG} report ${out}/bulkhead.elf ${out}/report.in ${out}/report.txt ${quiet}
    WORKING_DIRECTORY ${CMAKE_SOURCE_DIR}
    COMMENT "bhcheck and report: ${out}/bulkhead.elf")
endfunction()

# Every shipped config is built (the tests use them); the selected one
# (BULKHEAD_CONFIG) prints its report and is what scripts/run boots. With
# BULKHEAD_SYSTEM_ONLY, only the selected one.
if(BULKHEAD_SYSTEM_ONLY)
  set(shipped)
else()
  file(GLOB shipped CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/config/*.dts)
endif()
set(main_name)
foreach(cfg ${shipped})
  get_filename_component(name ${cfg} NAME_WE)
  file(READ ${cfg} text)
  if(text MATCHES "image = \"linux/" AND NOT BULKHEAD_LINUX_DIR)
    continue() # needs scripts/linux-fetch first
  endif()
  if(cfg STREQUAL BULKHEAD_CONFIG)
    set(main_name ${name})
    bulkhead_system(${name} ${cfg} PRINT)
  else()
    bulkhead_system(${name} ${cfg})
  endif()
endforeach()
if(NOT main_name)
  get_filename_component(main_name ${BULKHEAD_CONFIG} NAME_WE)
  if(TARGET bulkhead-${main_name})
    set(main_name custom-${main_name})
  endif()
  bulkhead_system(${main_name} ${BULKHEAD_CONFIG} PRINT)
endif()
file(WRITE ${CMAKE_BINARY_DIR}/main-system.txt "${main_name}\n")
if(BULKHEAD_SYSTEM_ONLY)
  return()
endif()

add_subdirectory(test/integration)

# The valid but unusual configs of test/configs/good are linked too (never
# booted), so that bhcheck checks their tables like every other system's.
file(GLOB good_configs CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/test/configs/good/*.dts)
foreach(cfg ${good_configs})
  get_filename_component(name ${cfg} NAME_WE)
  bulkhead_system(good-${name} ${cfg}
    PLATFORMS ${CMAKE_SOURCE_DIR}/test/configs/platforms
    IMAGES ${CMAKE_SOURCE_DIR}/test/configs/images)
endforeach()

# Benchmarks' systems (scripts/bootcost, scripts/latency).
bulkhead_system(bench-bootcost ${CMAKE_SOURCE_DIR}/test/bench/bootcost/config.dts)
bulkhead_system(bench-latency-alone ${CMAKE_SOURCE_DIR}/test/bench/latency-alone/config.dts)
bulkhead_system(bench-latency-stress ${CMAKE_SOURCE_DIR}/test/bench/latency-stress/config.dts)
bulkhead_system(bench-io-sync ${CMAKE_SOURCE_DIR}/test/bench/io-sync/config.dts)
bulkhead_system(bench-latency-direct ${CMAKE_SOURCE_DIR}/test/bench/latency-direct/config.dts)
bulkhead_system(bench-latency-direct-stress ${CMAKE_SOURCE_DIR}/test/bench/latency-direct-stress/config.dts)
if(BULKHEAD_LINUX_DIR)
  bulkhead_system(bench-linux ${CMAKE_SOURCE_DIR}/test/bench/linux/config.dts)
  bulkhead_system(bench-linux-direct ${CMAKE_SOURCE_DIR}/test/bench/linux-direct/config.dts)
  foreach(n console null)
    bulkhead_system(bench-io-console-${n}
      ${CMAKE_SOURCE_DIR}/test/bench/io-console/config-${n}.dts)
  endforeach()
  foreach(n driver-cmp driver-r4k32 driver-r4k64 driver-par driver-lat driver-idle)
    bulkhead_system(bench-io-block-${n}
      ${CMAKE_SOURCE_DIR}/test/bench/io-block/${n}.dts)
  endforeach()
endif()
