# Thrust for the chosen backend, as the INTERFACE target firmsim::thrust.
#  cuda: the CUDA toolkit's own CCCL (Thrust + CUB + libcu++), CUDA device system.
#  omp : Debian's libthrust-dev (or, failing that, the toolkit's CCCL headers),
#        with THRUST_DEVICE_SYSTEM=OMP so device_vector lives in host memory and
#        algorithms run on OpenMP threads.
add_library(firmsim_thrust INTERFACE)
add_library(firmsim::thrust ALIAS firmsim_thrust)

if(FIRMSIM_BACKEND STREQUAL "cuda")
  if(NOT CMAKE_CUDA_ARCHITECTURES)
    set(CMAKE_CUDA_ARCHITECTURES 90 CACHE STRING "GPU architectures (90 = Hopper)")
  endif()
  enable_language(CUDA)
  find_package(CUDAToolkit REQUIRED)
  set(CMAKE_CUDA_STANDARD 17)
  set(CMAKE_CUDA_STANDARD_REQUIRED ON)
  target_compile_definitions(firmsim_thrust INTERFACE FIRMSIM_BACKEND_CUDA=1)
  target_link_libraries(firmsim_thrust INTERFACE CUDA::cudart)
elseif(FIRMSIM_BACKEND STREQUAL "omp")
  find_path(FIRMSIM_THRUST_INCLUDE thrust/version.h
            PATHS /usr/include /usr/local/cuda/include/cccl
            DOC "Directory holding thrust/ (Debian libthrust-dev or CUDA CCCL)")
  if(NOT FIRMSIM_THRUST_INCLUDE)
    message(FATAL_ERROR "Thrust not found: apt-get install libthrust-dev (or set FIRMSIM_THRUST_INCLUDE)")
  endif()
  target_include_directories(firmsim_thrust SYSTEM INTERFACE ${FIRMSIM_THRUST_INCLUDE})
  target_compile_definitions(firmsim_thrust INTERFACE
    THRUST_DEVICE_SYSTEM=THRUST_DEVICE_SYSTEM_OMP FIRMSIM_BACKEND_OMP=1)
  target_link_libraries(firmsim_thrust INTERFACE OpenMP::OpenMP_CXX)
else()
  message(FATAL_ERROR "FIRMSIM_BACKEND must be cuda or omp, not '${FIRMSIM_BACKEND}'")
endif()

# firmsim_backend_sources(target src...): compile kernel translation units with
# nvcc (cuda) or as C++ (omp), from the same .cu files.
function(firmsim_backend_sources target)
  target_sources(${target} PRIVATE ${ARGN})
  if(NOT FIRMSIM_BACKEND STREQUAL "cuda")
    set_source_files_properties(${ARGN} PROPERTIES LANGUAGE CXX)
    set_source_files_properties(${ARGN} PROPERTIES COMPILE_OPTIONS "-xc++")
  endif()
endfunction()
