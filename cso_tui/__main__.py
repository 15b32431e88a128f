from cso_tui.launch import main

main()
