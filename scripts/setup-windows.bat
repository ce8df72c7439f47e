@echo off
rem One-time setup on a Windows office PC (see docs/editor-tools.md, section 9):
rem a virtual environment in .venv with site-builder and its pinned dependencies,
rem then one `site-builder check` of content\. Python 3.11 or later from python.org
rem (the `py` launcher) or the Microsoft Store (`python`). Run it again to update.
setlocal
cd /d "%~dp0.."
set "PY="
where py >nul 2>nul && set "PY=py -3"
if not defined PY where python >nul 2>nul && set "PY=python"
if not defined PY (
  echo error: Python was not found: install Python 3.11 or later from python.org or the Microsoft Store
  exit /b 2
)
if not exist .venv\Scripts\python.exe (
  %PY% -m venv .venv || goto :failed
)
.venv\Scripts\python -m pip install --quiet --disable-pip-version-check -e . || goto :failed
.venv\Scripts\python -m site_builder check
echo.
echo ready: run .venv\Scripts\site-builder check (or check --fix) after each edit
exit /b 0
:failed
echo error: the setup did not finish (see the lines above); nothing else was changed
exit /b 1
