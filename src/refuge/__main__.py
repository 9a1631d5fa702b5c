from refuge.cli import main

main()
