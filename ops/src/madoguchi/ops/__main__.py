from madoguchi.ops.cli import main

main()
