# The default question bank (issue 14): Config/questions.json, embedded in the daemon.
questions: ## Re-embed Config/questions.json into Sources/CoachDomain/DefaultQuestionBank.swift after editing it
	python3 Tools/embed-questions.py

.PHONY: questions
