from cso_tui.cli import main

main()
