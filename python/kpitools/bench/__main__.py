from kpitools.bench.calc import main

main()
