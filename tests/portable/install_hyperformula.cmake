# Installs HyperFormula from npm into PREFIX (cmake -DPREFIX=... -DVERSION=... -P this file):
# the third engine of portable.workbooks. Stops the build with a clear message when npm is
# missing or the registry cannot be reached.
find_program(NPM npm)
if(NOT NPM)
  message(FATAL_ERROR "npm not found: portable.workbooks needs HyperFormula ${VERSION} from npm. "
          "Install Node.js and npm (scripts/setup.sh), or configure with -DKPI_CALC_TESTS=OFF.")
endif()
execute_process(COMMAND ${NPM} install --no-audit --no-fund --prefix ${PREFIX} hyperformula@${VERSION}
                RESULT_VARIABLE failed)
if(failed)
  message(FATAL_ERROR "Could not install HyperFormula ${VERSION} from the npm registry (npm says why above). "
          "portable.workbooks needs it: make the npm registry reachable and build again, "
          "or configure with -DKPI_CALC_TESTS=OFF.")
endif()
