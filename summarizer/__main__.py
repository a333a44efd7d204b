from summarizer.cli.app import main

main()
