Attribute VB_Name = "Jiceng"
' Jiceng buttons for desktop Excel (Windows / macOS) with a local Python.
'
' Needs: Python with the jiceng package (pip install), the xlwings add-in
' (xlwings addin install) and, in this VBA project, Tools > References > xlwings.
' Every button ends with a message box from Python; nothing here needs editing.
' (ASCII only on purpose: the VBA editor reads .bas files in the system code page.)

Option Explicit

' --- sheet buttons and Alt+F8 ---------------------------------------------------

Public Sub JicengValidate()
    RunPython "import addin.excel as x; x.validate_button()"
End Sub

Public Sub JicengScore()
    RunPython "import addin.excel as x; x.score_button()"
End Sub

Public Sub JicengRefreshTasks()
    RunPython "import addin.excel as x; x.refresh_tasks_button()"
End Sub

Public Sub JicengClear()
    RunPython "import addin.excel as x; x.clear_button()"
End Sub

' --- ribbon callbacks (customUI.xml, tab "jiceng") ------------------------------

Public Sub JicengRibbonValidate(control As IRibbonControl)
    JicengValidate
End Sub

Public Sub JicengRibbonScore(control As IRibbonControl)
    JicengScore
End Sub

Public Sub JicengRibbonRefreshTasks(control As IRibbonControl)
    JicengRefreshTasks
End Sub

Public Sub JicengRibbonClear(control As IRibbonControl)
    JicengClear
End Sub
